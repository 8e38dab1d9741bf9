"""race: animate optimizers racing across 2D loss surfaces, step for step as torch.optim computes them."""

__version__ = "0.1.0"
