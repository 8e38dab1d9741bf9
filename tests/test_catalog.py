from pathlib import Path

from race.catalog import render_keys
from race.scene import Camera, Render, Squares

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_readme_documents_every_render_key_as_the_code_defines_it():
    assert render_keys() in README.read_text(encoding="utf-8")


def test_render_keys_cover_nested_records_with_defaults_and_ranges():
    table = render_keys()
    for record, prefix in ((Render, "render"), (Squares, "render.squares"),
                           (Camera, "render.camera")):
        for name in record.__dataclass_fields__:
            assert f"| `{prefix}.{name}` |" in table
    assert "| `render.fps` | 30 | whole number 1…240 |" in table
    assert "`contour` \\| `surface3d`" in table


def test_optimizers_name_the_torch_class_each_reproduces_and_what_is_left_out():
    from race.catalog import optimizers
    from race.optimizers import OPTIMIZERS

    text = optimizers()
    for name, optimizer in OPTIMIZERS.items():
        assert f"{name:<10} torch.optim.{optimizer.torch_name}(" in text
    assert "torch.optim.Adafactor(lr=0.01, beta2_decay=-0.8, eps=(None, 0.001)" in text
    for left_out in ("LBFGS", "SparseAdam", "Muon"):
        assert f"torch.optim.{left_out}: " in text.split("not raced:")[1]


def test_schedules_list_torchs_classes_with_their_arguments():
    from race.catalog import schedules
    from race.schedules import SCHEDULES

    text = schedules()
    assert len([line for line in text.splitlines() if "torch.optim.lr_scheduler." in line]) \
        == len(SCHEDULES)
    assert "torch.optim.lr_scheduler.StepLR(step_size, gamma=0.1)" in text
    assert "OneCycleLR(max_lr, total_steps=None, epochs=None" in text
