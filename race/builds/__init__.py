"""Build many scenes at once, as ``make`` builds sources: in parallel, only what changed.

    from race.builds import build
    results = build(["course/"], "site/animations", jobs=2, gallery=True)

``race.builds.run`` orchestrates; ``plan`` finds scenes and decides where their outputs go and
what fingerprints them; ``manifest`` records what was built; ``worker`` renders one scene
anywhere (a local process, a Dask worker) and returns the bytes; ``publish`` writes them under
OUT_DIR; ``pool`` makes the executors. The public entry point is ``race.build``.
"""

from race.builds.run import SceneResult, build

__all__ = ["SceneResult", "build"]
