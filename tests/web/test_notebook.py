"""race.show in a real notebook: the README's cell executed by a Jupyter kernel (nbclient +
ipykernel), its display checked: the self-contained player, small, mounted in Chromium the way
JupyterLab inserts an output; and ``interactive=False``: an autoplaying, looping video of a few
MB."""

from __future__ import annotations

import base64
import re
import subprocess
import sys
from pathlib import Path

import imageio_ffmpeg
import pytest

import race as api

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def notebook_cell() -> str:
    """The Python block of the README's notebook section."""
    section = README.split("### Jupyter notebook", 1)[1]
    return section.split("```python", 1)[1].split("```", 1)[0].strip()


@pytest.fixture(scope="module")
def executed(tmp_path_factory):
    nbformat = pytest.importorskip("nbformat", reason="pip install -e '.[test]'")
    nbclient = pytest.importorskip("nbclient", reason="pip install -e '.[test]'")
    pytest.importorskip("ipykernel", reason="pip install -e '.[test]'")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(notebook_cell())]
    folder = tmp_path_factory.mktemp("notebook")
    client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(folder)}})
    client.execute()
    nbformat.write(notebook, folder / "race.ipynb")       # what a user would save
    return notebook, folder


def test_the_cell_displays_the_player(executed):
    notebook, folder = executed
    outputs = notebook.cells[0].outputs
    results = [o for o in outputs if o.output_type == "execute_result"]
    assert [o for o in outputs if o.output_type == "error"] == []
    assert len(results) == 1 and "text/html" in results[0].data
    html = results[0].data["text/html"]
    assert '<figure class="race-animation race-player"' in html
    assert re.findall(r'(?:src|href|poster)="(?!data:)', html) == []     # nothing to fetch
    assert "racing on the bowl surface" in html
    assert 'width="800" height="450"' in html        # the 960x540 scene, notebook-sized
    assert len(html) < 400_000
    assert list(folder.iterdir()) == [folder / "race.ipynb"]   # no files left behind


# How JupyterLab shows an HTML output: set as innerHTML (which runs no script), then every
# script replaced by a fresh copy, which runs.
JUPYTERLAB = """<!doctype html><html><body><div id="output"></div><script>
const output = document.getElementById("output");
output.innerHTML = %s;
for (const old of output.querySelectorAll("script")) {
  const fresh = document.createElement("script");
  for (const attribute of old.attributes) fresh.setAttribute(attribute.name, attribute.value);
  fresh.textContent = old.textContent;
  old.parentNode.replaceChild(fresh, old);
}
</script></body></html>"""


@pytest.mark.parametrize("copies", [1, 2])
def test_the_output_plays_as_jupyterlab_inserts_it(executed, page, tmp_path, copies):
    import json

    notebook, _ = executed
    html = notebook.cells[0].outputs[0].data["text/html"] * copies   # a cell shown twice
    path = tmp_path / "lab.html"
    path.write_text(JUPYTERLAB % json.dumps(html).replace("</", "<\\/"), encoding="utf-8")
    page.goto(path.as_uri())
    for player in page.locator(".race-player").all():
        step = player.locator(".rp-scrub")
        page.wait_for_function("s => Number(s.value) > 0", arg=step.element_handle())
    assert page.problems == []


def test_a_video_where_no_script_runs():
    scene = api.load("adagrad_vs_rmsprop")
    html = api.show(scene, interactive=False).html
    assert "<video autoplay loop muted playsinline controls" in html
    assert re.findall(r'(?:src|poster)="(?!data:)', html) == []      # nothing to fetch
    video = base64.b64decode(re.search(r'data:video/mp4;base64,([^"]+)', html).group(1))
    assert video[4:8] == b"ftyp" and len(video) < 4_000_000
    import tempfile
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "shown.mp4").write_bytes(video)
        frames = imageio_ffmpeg.read_frames(str(Path(folder) / "shown.mp4"))
        meta = next(frames)
        count = sum(1 for _ in frames)
    assert tuple(meta["size"]) == (800, 450)          # the 960x540 scene, notebook-sized
    assert meta["fps"] == 24 and count == 24 * 12     # 10 s of race + 2 s hold


def test_importing_race_does_not_import_ipython():
    code = ("import sys, race, race.api, race.web.notebook, race.web.fragment; "
            "race.show; sys.exit('IPython' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code]).returncode == 0
