"""Tests for lessonlib.plots: the style table (colour-blind safe colours, distinct shapes), tiles and the median band."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from lessonlib import plots  # noqa: E402
from lessonlib.plots import COLORS, color_for, curve_band, image_grid, tile  # noqa: E402

FAMILIES = ("zeros", "constant", "normal_0.01", "normal_1", "slide_xavier", "glorot_uniform",
            "he_normal", "orthogonal", "dbn", "lsuv")


def test_every_colour_is_okabe_ito_or_grey():
    palette = set(plots.OKABE_ITO.values())
    assert {"#E69F00", "#56B4E9", "#009E73", "#0072B2", "#D55E00", "#CC79A7", "#000000"} <= palette
    for name, style in plots.STYLES.items():
        assert style["color"] in palette, name
        assert set(style) == {"color", "marker", "linestyle"}


def test_families_drawn_together_differ_in_more_than_colour():
    combos = [(plots.style_for(n)["color"], plots.style_for(n)["marker"], plots.style_for(n)["linestyle"])
              for n in FAMILIES]
    assert len(set(combos)) == len(FAMILIES)
    markers = [c[1] for c in combos]
    assert len(set(markers)) == len(FAMILIES)  # a grey-scale print still tells them apart
    # the pair the review named: small random (orange) and He (green) differ in shape
    small, he = plots.style_for("normal_0.01"), plots.style_for("he_normal")
    assert small["marker"] != he["marker"] and small["linestyle"] != he["linestyle"]


def test_aliases_share_their_family_style_and_unknown_names_get_black():
    assert plots.style_for("slide_xavier") == plots.style_for("lecun_normal")
    assert plots.style_for("he_uniform") == plots.style_for("he_normal")
    assert plots.style_for("magic")["color"] == "#000000"
    assert plots.color_for("he_normal") == plots.COLORS["he_normal"] == plots.STYLES["he_normal"]["color"]
    style = plots.style_for("lsuv")
    style["color"] = "red"
    assert plots.style_for("lsuv")["color"] == "#000000"  # a copy, not the table


def test_style_plots_and_curve_band_takes_it():
    fig, ax = plt.subplots()
    (line,) = ax.plot([0, 1], [0, 1], **plots.style_for("he_normal"))
    assert line.get_marker() == "D"
    band = plots.curve_band(ax, [[1, 2, 3], [2, 3, 4]], **plots.style_for("orthogonal"), label="x")
    assert band.get_linestyle() == "-." and band.get_marker() == "P"
    legend = plots.legend_outside(ax)
    assert legend.get_bbox_to_anchor() is not None
    plt.close(fig)




def test_colors():
    assert color_for("he_normal") == COLORS["he_normal"]
    assert color_for("something new") == "#000000"


def test_tile_places_images_with_nan_gaps():
    images = np.arange(3 * 4, dtype=float).reshape(3, 4)
    canvas = tile(images, shape=(2, 2), ncols=2)
    assert canvas.shape == (5, 5)
    assert np.array_equal(canvas[:2, :2], images[0].reshape(2, 2))
    assert np.array_equal(canvas[3:, :2], images[2].reshape(2, 2))
    assert np.all(np.isnan(canvas[2])) and np.all(np.isnan(canvas[3:, 3:]))


def test_image_grid_and_curve_band_draw_on_the_axes():
    ax = Figure().subplots()
    artist = image_grid(ax, np.zeros((4, 64)))
    assert artist.get_array().shape == (17, 17)
    line = curve_band(ax, [[1.0, 2.0, 3.0], [3.0, 4.0]], label="runs")
    assert np.allclose(line.get_ydata(), [2.0, 3.0, 3.0])  # the median of the runs still going


def test_bad_tiles_are_refused_by_name():
    with pytest.raises(ValueError, match="images"):
        tile(np.zeros((2, 5)), shape=(2, 2))
    with pytest.raises(ValueError, match="shape"):
        tile(np.zeros((2, 4)), shape=(4,))


# --- the Hangul font of the Korean edition ------------------------------------------------

HANGUL_FIGURE = """
import io, warnings
warnings.simplefilter("error")
import matplotlib
import matplotlib.pyplot as plt
fig, ax = plt.subplots(figsize=(4, 3))
ax.plot([0, 1, 2], [1.0, 0.5, 0.2], label="가중치 초기화: He")
ax.plot([0, 1, 2], [1.0, 0.9, 0.8], label="평균 ± 표준편차")
ax.set_title("은닉층의 기울기 (시드 5개)", fontweight="bold")
ax.set_xlabel("에폭")
ax.set_ylabel("손실 (L)")
ax.set_xticks([0, 1, 2], ["시작", "중간", "끝"])
ax.legend(title="초기화")
fig.suptitle("굵은 제목", fontweight="bold")
buffer = io.BytesIO()
fig.savefig(buffer, format="png", dpi=60)
plt.close(fig)
assert buffer.getvalue().startswith(b"\\x89PNG")
"""


def _english_png():
    import io

    fig, ax = plt.subplots(figsize=(4, 3))
    ax.plot([0, 1, 2], [1.0, 0.5, 0.2], label=r"loss $\sigma(x)$ −1")
    ax.set_title("Weight initialization", fontweight="bold")
    ax.set_xlabel("epoch")
    ax.legend()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=60)
    plt.close(fig)
    return buffer.getvalue()


def test_the_hangul_font_is_nanumgothic_from_koreanize_matplotlib_without_importing_it():
    import sys

    import matplotlib
    from matplotlib import font_manager

    files = plots.hangul_font_files()
    assert [path.name for path in files] == ["NanumGothic.ttf", "NanumGothicBold.ttf"]
    assert all("koreanize_matplotlib" in path.parts for path in files)
    assert "koreanize_matplotlib" not in sys.modules  # its import would change rcParams
    assert matplotlib.rcParams["font.sans-serif"][:2] == ["DejaVu Sans", "NanumGothic"]
    assert matplotlib.rcParams["font.family"][-1] == "NanumGothic"
    assert matplotlib.rcParams["axes.unicode_minus"] is True  # as matplotlib sets it
    bold = font_manager.FontProperties(family="NanumGothic", weight="bold")
    assert font_manager.findfont(bold, fallback_to_default=False).endswith("NanumGothicBold.ttf")
    # registering again changes nothing
    before = (len(font_manager.fontManager.ttflist), dict(matplotlib.rcParams))
    plots.use_hangul_font()
    assert (len(font_manager.fontManager.ttflist), dict(matplotlib.rcParams)) == before


def test_hangul_title_labels_legend_and_ticks_draw_without_a_missing_glyph(caplog):
    # warnings are errors here (pyproject), and "Glyph ... missing" is a UserWarning;
    # matplotlib's font look-up complains through logging instead (on a notebook's stderr)
    with caplog.at_level("WARNING", logger="matplotlib"):
        exec(HANGUL_FIGURE, {})
    assert not caplog.records, [record.getMessage() for record in caplog.records]


def test_hangul_beside_math_in_one_text_has_no_glyph(caplog):
    """Why ``tools/i18n.py check`` refuses a translation with Hangul and ``$math$`` in one
    text: matplotlib draws all of such a text with its math fonts, which have no Hangul
    (the font fallback does not reach them)."""
    import io

    fig, ax = plt.subplots(figsize=(2, 2))
    ax.set_ylabel("손실 $L$")
    with caplog.at_level("WARNING", logger="matplotlib"):
        fig.savefig(io.BytesIO(), format="png", dpi=30)
    plt.close(fig)
    assert any("does not have a glyph" in record.getMessage() for record in caplog.records)


def test_hangul_draws_without_a_missing_glyph_in_a_fresh_process():
    import subprocess
    import sys

    script = "import lessonlib.plots\n" + HANGUL_FIGURE
    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", script], capture_output=True, text=True, timeout=120,
        env={**__import__("os").environ, "MPLBACKEND": "Agg"},
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stderr == "", result.stderr  # not even a findfont log line


def test_without_the_font_hangul_would_be_missing():
    """The check above can fail: a fresh process without lessonlib.plots warns."""
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-W", "error", "-c", HANGUL_FIGURE], capture_output=True, text=True,
        timeout=120, env={**__import__("os").environ, "MPLBACKEND": "Agg"},
    )  # fmt: skip
    assert result.returncode != 0 and "missing from font(s) DejaVu Sans" in result.stderr


def test_english_figures_are_drawn_as_before_the_hangul_font():
    """The fallback touches no Latin glyph: an English figure's pixels are those of a
    process in which lessonlib (so the font) was never imported."""
    import base64
    import subprocess
    import sys

    script = (
        "import base64, io, matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
        + "\n".join(__import__("inspect").getsource(_english_png).splitlines()[1:])
            .replace("    import io\n", "").replace("    return buffer.getvalue()", "print(base64.b64encode(buffer.getvalue()).decode())")
            .replace("\n    ", "\n")
    )  # fmt: skip
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "lessonlib" not in script
    assert base64.b64decode(result.stdout) == _english_png()


@pytest.mark.parametrize("first", ["plots, then %matplotlib inline", "%matplotlib inline, then plots"])
def test_the_inline_backend_keeps_the_font_in_a_kernel(first):
    """In a real kernel (what notebooks, nbval and JupyterLab run), ``%matplotlib inline``
    keeps the font settings whichever comes first, and a Hangul figure shown with
    ``plt.show()`` gives a picture and nothing on stderr."""
    import os

    jupyter_client = pytest.importorskip("jupyter_client")
    setup = (
        "import lessonlib.plots\n%matplotlib inline"
        if first.startswith("plots")
        else "%matplotlib inline\nimport lessonlib.plots"
    )
    cells = [
        setup,
        "import warnings\nwarnings.simplefilter('error')\n"
        + HANGUL_FIGURE.replace("plt.close(fig)", "")
        + "plt.show()",
        "import matplotlib\nprint(matplotlib.rcParams['font.sans-serif'][:2], matplotlib.rcParams['font.family'][-1],"
        " matplotlib.get_backend())",
    ]
    env = {key: value for key, value in os.environ.items() if key != "MPLBACKEND"}
    manager, client = jupyter_client.manager.start_new_kernel(kernel_name="python3", env=env)
    outputs = []
    try:
        for code in cells:
            found = []
            reply = client.execute_interactive(code, timeout=120, output_hook=found.append)
            assert reply["content"]["status"] == "ok", (code, reply["content"], found)
            outputs.append(found)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)

    def kinds(messages):
        return [
            (m["msg_type"], m["content"].get("name")) for m in messages
            if m["msg_type"] in {"stream", "display_data", "execute_result", "error"}
        ]  # fmt: skip

    assert ("display_data", None) in kinds(outputs[1]), outputs[1]
    shown = [kind for found in outputs for kind in kinds(found)]
    assert ("stream", "stderr") not in shown and not any(kind[0] == "error" for kind in shown), shown
    printed = "".join(m["content"]["text"] for m in outputs[2] if m["msg_type"] == "stream")
    assert printed.startswith("['DejaVu Sans', 'NanumGothic'] NanumGothic"), printed
    assert "inline" in printed, printed


def test_every_module_that_draws_imports_plots_so_the_font_is_there():
    """The font is configured in one place, ``lessonlib.plots`` at import: so every
    lessonlib module that makes a figure (imports pyplot, Figure or a canvas) imports
    ``lessonlib.plots`` too."""
    import ast
    from pathlib import Path

    root = Path(plots.__file__).resolve().parent
    missing = []
    for path in sorted(root.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                imported |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module:
                imported |= {node.module, *(f"{node.module}.{alias.name}" for alias in node.names)}
        draws = any(name.startswith(("matplotlib.pyplot", "matplotlib.figure", "matplotlib.backends")) for name in imported)
        if draws and path.name != "plots.py" and "lessonlib.plots" not in imported:
            missing.append(str(path.relative_to(root.parent)))
    assert not missing, f"these draw figures without importing lessonlib.plots (the Hangul font): {missing}"
