"""JupyterLab in headless Chromium: the server, the browser and a notebook page.

One importable place for what the browser tests (``tests/browser``) and the latency
benchmark (``tools/browser_latency.py``) share: ``LabServer`` runs ``jupyter lab`` on
127.0.0.1 (a free port, no token, every settings, runtime and config folder in a
temporary directory) on a copy of the notebooks; ``launch_chromium`` starts Debian's
``chromium`` through Playwright (no browser is ever downloaded); ``NotebookPage`` opens
a notebook at laptop size (1280 x 800, the file browser open, as a learner sees it),
runs it, finds its explorers and moves their controls the way a person would.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "browser"
CHROMIUM_ARGS = [
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
]
#: A laptop screen; the notebook is shown with JupyterLab's file browser open beside it.
VIEWPORT = {"width": 1280, "height": 800}
SERVER_START_SECONDS = 90
#: Longest a whole notebook may take to run in the browser: a bound, not the expected time
#: (03, the slowest lesson, ran all cells in 3 minutes on a busy 2-core machine).
RUN_SECONDS = float(os.environ.get("BROWSER_RUN_SECONDS", "480"))
#: Longest a redraw after a control change may take.
REDRAW_SECONDS = 30.0

HOW_TO_ENABLE = "apt-get install chromium && python -m pip install -r requirements-dev.txt"


def in_ci():
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


def chromium_path():
    return shutil.which("chromium") or shutil.which("chromium-browser")


def missing_requirements():
    """What the browser tests need and this machine lacks (an empty list if nothing)."""
    missing = []
    if not chromium_path():
        missing.append("chromium")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing.append("playwright")
    return missing


def require_browser(missing, ci):
    """Skip (on a local machine) or fail (in CI) when something the tests need is missing."""
    import pytest

    if missing:
        message = f"browser tests need {' and '.join(missing)}: {HOW_TO_ENABLE}"
        if ci:
            pytest.fail(f"CI=true but {message}", pytrace=False)
        pytest.skip(message)


# -- the JupyterLab server ----------------------------------------------------------------


def _free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _write_json(path, data):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2))


class LabServer:
    """``jupyter lab`` on 127.0.0.1 serving ``root`` (a temporary folder)."""

    def __init__(self, root, home):
        self.root = Path(root)
        self.home = Path(home)
        self.process = None
        self.port = None
        self.log_path = self.home / "jupyterlab.log"

    @property
    def url(self):
        return f"http://127.0.0.1:{self.port}"

    def environment(self):
        env = dict(os.environ)
        env.pop("MPLBACKEND", None)  # the kernel must use the inline backend
        settings = self.home / "lab-settings"
        # Every cell attached to the page (the default windowing attaches only what is in
        # view), and no news or update checks reaching out or covering buttons.
        _write_json(
            settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings",
            {"windowingMode": "none"},
        )
        _write_json(
            settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings",
            {"fetchNews": "false", "checkForUpdates": False},
        )
        env.update(
            JUPYTERLAB_SETTINGS_DIR=str(settings),
            JUPYTERLAB_WORKSPACES_DIR=str(self.home / "lab-workspaces"),
            JUPYTER_CONFIG_DIR=str(self.home / "config"),
            JUPYTER_DATA_DIR=str(self.home / "data"),
            JUPYTER_RUNTIME_DIR=str(self.home / "runtime"),
            IPYTHONDIR=str(self.home / "ipython"),
            PYTHONUNBUFFERED="1",
        )
        return env

    def start(self):
        env = self.environment()
        last_error = None
        for _attempt in range(3):
            self.port = _free_port()
            command = [
                sys.executable,
                "-m",
                "jupyterlab",
                "--no-browser",
                "--allow-root",
                "--ServerApp.ip=127.0.0.1",
                f"--ServerApp.port={self.port}",
                "--ServerApp.port_retries=0",
                "--IdentityProvider.token=",
                "--ServerApp.password=",
                "--ServerApp.disable_check_xsrf=True",
                "--LabApp.expose_app_in_browser=True",
                f"--ServerApp.root_dir={self.root}",
            ]
            log = open(self.log_path, "ab")  # noqa: SIM115 (closed in stop())
            self.process = subprocess.Popen(
                command,
                cwd=self.root,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
            self._log = log
            try:
                self._wait_until_up()
                return self
            except RuntimeError as error:
                last_error = error
                self.stop()
        raise last_error

    def _wait_until_up(self):
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"jupyter lab exited ({self.process.returncode}):\n{self.log_tail()}"
                )
            with (
                contextlib.suppress(OSError),
                urllib.request.urlopen(f"{self.url}/api/status", timeout=2) as answer,
            ):
                if answer.status == 200:
                    return
            time.sleep(0.3)
        raise RuntimeError(
            f"jupyter lab did not answer in {SERVER_START_SECONDS} s:\n{self.log_tail()}"
        )

    def api(self, method, path):
        request = urllib.request.Request(f"{self.url}{path}", method=method)
        with urllib.request.urlopen(request, timeout=30) as answer:
            body = answer.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self):
        """Stop every kernel, so each notebook starts in a fresh one and memory stays low."""
        with contextlib.suppress(OSError):
            for session in self.api("GET", "/api/sessions"):
                self.api("DELETE", f"/api/sessions/{session['id']}")
            for kernel in self.api("GET", "/api/kernels"):
                self.api("DELETE", f"/api/kernels/{kernel['id']}")

    def log_tail(self, lines=40):
        with contextlib.suppress(OSError):
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        return ""

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if getattr(self, "_log", None) is not None:
            self._log.close()
            self._log = None




def copy_notebooks(root, source=ROOT / "notebooks"):
    """Copy the lesson notebooks of both editions into ``root/notebooks`` and
    ``root/notebooks/ko`` (the server never sees the repository)."""
    for folder in ("", "ko"):
        target = Path(root) / "notebooks" / folder
        target.mkdir(parents=True, exist_ok=True)
        for path in sorted((Path(source) / folder).glob("[0-9][0-9]_*.ipynb")):
            shutil.copy2(path, target / path.name)
    return Path(root)


@contextlib.contextmanager
def launch_chromium(profile, viewport=VIEWPORT):
    """A headless Chromium browser context (Playwright's), closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            str(profile),
            executable_path=chromium_path(),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport=viewport,
        )
        try:
            yield context
        finally:
            context.close()


# -- driving a notebook ---------------------------------------------------------------------

_SCROLLER = "document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer')"
_NOTEBOOK_STATE_JS = """
() => {
  const panel = window.jupyterapp.shell.currentWidget;
  if (!panel || !panel.content || !panel.sessionContext) return null;
  const kernel = panel.sessionContext.session && panel.sessionContext.session.kernel;
  const cells = [];
  panel.content.widgets.forEach((cell, index) => {
    if (cell.model.type !== 'code') return;
    const prompt = cell.node.querySelector('.jp-InputPrompt');
    cells.push({
      index,
      count: cell.model.executionCount,
      prompt: prompt ? prompt.textContent.trim() : '',
      outputs: cell.model.outputs.toJSON().map(o => ({
        output_type: o.output_type,
        name: o.name || null,
        ename: o.ename || null,
        evalue: o.evalue || null,
        text: typeof o.text === 'string' ? o.text.slice(0, 500)
              : Array.isArray(o.text) ? o.text.join('').slice(0, 500) : null,
      })),
    });
  });
  return {
    kernel: kernel ? kernel.status : null,
    dirty: panel.content.model ? panel.content.model.dirty : null,
    cells,
  };
}
"""


class NotebookPage:
    """One notebook open in JupyterLab, in its own browser tab."""

    def __init__(self, page, server, path, artifact_stem, artifacts=ARTIFACTS):
        self.page = page
        self.server = server
        self.path = path
        self.stem = artifact_stem
        self.artifacts = Path(artifacts)
        self.console = []
        self.last_state = None
        page.on("console", lambda msg: self.console.append(f"console.{msg.type}: {msg.text}"))
        page.on("pageerror", lambda error: self.console.append(f"pageerror: {error}"))

    # opening and running ---------------------------------------------------------------
    def open(self):
        page = self.page
        page.set_default_timeout(60_000)
        page.goto(f"{self.server.url}/lab/tree/{self.path}?reset", wait_until="domcontentloaded")
        page.wait_for_function(
            "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
            " && window.jupyterapp.shell.currentWidget.sessionContext",
            timeout=90_000,
        )
        page.evaluate(
            "async () => { const p = window.jupyterapp.shell.currentWidget;"
            " await p.context.ready; await p.sessionContext.ready; }"
        )
        # As a learner sees it: the file browser open beside the notebook.
        page.evaluate(
            "async () => { const app = window.jupyterapp;"
            " await app.commands.execute('filebrowser:activate'); app.shell.expandLeft(); }"
        )
        page.wait_for_selector(".jp-FileBrowser", state="visible", timeout=30_000)
        self.wait_for_kernel_idle(90)
        return self

    def state(self):
        return self.page.evaluate(_NOTEBOOK_STATE_JS)

    def wait_for_kernel_idle(self, seconds):
        self.page.wait_for_function(
            "() => { const p = window.jupyterapp.shell.currentWidget;"
            " const k = p && p.sessionContext.session && p.sessionContext.session.kernel;"
            " return k && k.status === 'idle'; }",
            timeout=seconds * 1000,
        )

    def run_all(self, seconds=RUN_SECONDS):
        """Clear the stored outputs, run all cells, wait until every cell has finished.

        Returns the notebook state (kernel status, and per code cell its prompt,
        execution count and outputs).
        """
        self.page.evaluate("window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
        self.page.evaluate(
            "() => { window.jupyterapp.commands.execute('notebook:run-all-cells'); }"
        )
        deadline = time.monotonic() + seconds
        state = None
        while time.monotonic() < deadline:
            time.sleep(0.5)
            state = self.state()
            if state is None or state["kernel"] != "idle":
                continue
            if any(cell["prompt"] == "[*]:" for cell in state["cells"]):
                continue
            if all(cell["count"] is not None for cell in state["cells"]) or self._has_error(state):
                # idle, nothing queued: settle a moment and confirm
                time.sleep(0.5)
                again = self.state()
                if again["kernel"] == "idle" and not any(
                    c["prompt"] == "[*]:" for c in again["cells"]
                ):
                    self.last_state = again
                    return again
        pending = [c["index"] for c in (state or {"cells": []})["cells"] if c["count"] is None]
        raise AssertionError(
            f"{self.path}: not finished after {seconds:.0f} s "
            f"(kernel {state and state['kernel']}, cells not run: {pending})"
        )

    @staticmethod
    def _has_error(state):
        return any(o["output_type"] == "error" for c in state["cells"] for o in c["outputs"])

    # what the page shows ------------------------------------------------------------------
    def problems(self, state):
        """Errors, tracebacks, stderr and broken widgets shown in the notebook."""
        found = []
        for cell in state["cells"]:
            for output in cell["outputs"]:
                if output["output_type"] == "error":
                    found.append(f"cell {cell['index']}: {output['ename']}: {output['evalue']}")
                elif output["output_type"] == "stream" and output["name"] == "stderr":
                    found.append(f"cell {cell['index']}: stderr: {output['text']!r}")
            if cell["count"] is None:
                found.append(f"cell {cell['index']}: not executed (prompt {cell['prompt']!r})")
        page = self.page
        shown = page.locator(
            '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]'
        )
        for i in range(shown.count()):
            found.append(f"shown on the page as stderr/error: {shown.nth(i).inner_text()[:300]!r}")
        for text in ("Error displaying widget", "Traceback (most recent call last)"):
            hits = page.locator(".jp-OutputArea-output", has_text=text)
            if hits.count():
                found.append(
                    f"{hits.count()} output(s) show {text!r}: {hits.first.inner_text()[:300]!r}"
                )
        return found

    def explorers(self):
        """Widget outputs that hold an ipywidgets Image (the explorers), as locators."""
        outputs = self.page.locator(".jp-OutputArea-output").filter(
            has=self.page.locator("img.widget-image")
        )
        return [outputs.nth(i) for i in range(outputs.count())]

    # moving sliders ---------------------------------------------------------------------------
    def drag_slider(self, slider):
        """Drag a slider's handle a quarter of the track away, as a person would with a mouse."""
        handle = slider.locator(".noUi-handle").first
        track = slider.locator(".noUi-target, .slider").first
        handle.scroll_into_view_if_needed()
        box = handle.bounding_box()
        rail = track.bounding_box()
        assert box and rail, "slider has no visible handle or track"
        x0, y0 = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
        fraction = (x0 - rail["x"]) / rail["width"]
        target = rail["x"] + rail["width"] * (0.75 if fraction < 0.5 else 0.25)
        mouse = self.page.mouse
        mouse.move(x0, y0)
        mouse.down()
        mouse.move(target, y0, steps=12)
        mouse.up()

    @staticmethod
    def image_src(explorer):
        return explorer.locator("img.widget-image").first.get_attribute("src")

    def wait_for_new_image(self, explorer, before, what):
        try:
            self.page.wait_for_function(
                "([el, before]) => { const img = el.querySelector('img.widget-image');"
                " return img && img.getAttribute('src') && img.getAttribute('src') !== before"
                " && img.complete && img.naturalWidth > 0; }",
                arg=[explorer.element_handle(), before],
                timeout=REDRAW_SECONDS * 1000,
            )
        except Exception as error:  # playwright's TimeoutError
            raise AssertionError(
                f"{self.path}: the picture did not change"
                f" within {REDRAW_SECONDS:.0f} s after {what}"
            ) from error

    # every control of an explorer -------------------------------------------------------------
    def controls(self, explorer):
        """The explorer's controls: dicts with ``kind`` (``slider``, ``selection`` for a
        slider over labelled stops, ``dropdown``, ``play`` for a Play widget's buttons),
        ``label`` and ``locator``."""
        found = []
        sliders = explorer.locator(".widget-slider")
        for i in range(sliders.count()):
            slider = sliders.nth(i)
            readout = slider.locator(".widget-readout").first
            kind = "slider" if readout.count() and readout.is_visible() else "selection"
            found.append({"kind": kind, "label": self.label(slider), "locator": slider})
        dropdowns = explorer.locator(".widget-dropdown")
        for i in range(dropdowns.count()):
            box = dropdowns.nth(i)
            found.append({"kind": "dropdown", "label": self.label(box), "locator": box})
        plays = explorer.locator(".widget-play")
        for i in range(plays.count()):
            found.append({"kind": "play", "label": "play", "locator": plays.nth(i)})
        return found

    @staticmethod
    def label(control):
        label = control.locator(".widget-label").first
        return label.inner_text().strip() if label.count() else "?"

    @staticmethod
    def shown_value(control):
        """What a control shows as its value: the readout, the label beside a selection
        slider, or the selected option."""
        if control["kind"] == "dropdown":
            return control["locator"].locator("select").first.input_value()
        if control["kind"] == "play":
            return ""
        if control["kind"] == "slider":
            return control["locator"].locator(".widget-readout").first.inner_text().strip()
        beside = control["locator"].locator("xpath=following-sibling::*[contains(@class, 'widget-label')]")
        return beside.first.inner_text().strip() if beside.count() else ""

    def type_value(self, control, text):
        readout = control["locator"].locator(".widget-readout").first
        readout.click()
        readout.fill(text)
        readout.press("Enter")

    def select_other(self, control):
        """Choose the option after the current one (wrapping); return its label."""
        select = control["locator"].locator("select").first
        options = select.locator("option").all_inner_texts()
        current = select.evaluate("el => el.selectedIndex")
        choice = (current + 1) % len(options)
        select.select_option(index=choice)
        return options[choice].strip()

    @staticmethod
    def play_buttons(control):
        """A Play widget's (play, stop) buttons. ipywidgets 7 shows play, pause, stop, repeat;
        8 shows one play/pause button, stop, repeat: so stop is found by its icon (the third
        button of 8 is repeat, which never stops)."""
        locator = control["locator"]
        return locator.locator("button").first, locator.locator("button:has(i.fa-stop)")

    def play(self, control, explorer, what):
        """Press play, wait for the picture to change, press stop."""
        play, stop = self.play_buttons(control)
        before = self.image_src(explorer)
        play.click()
        self.wait_for_new_image(explorer, before, what)
        stop.click()

    def track(self, control):
        locator = control["locator"]
        locator.scroll_into_view_if_needed()
        rail = locator.locator(".noUi-target, .slider").first.bounding_box()
        assert rail, f"{self.path}: slider {control['label']!r} has no visible track"
        return rail

    def click_track(self, control, fraction):
        """Click the slider's track at ``fraction`` of its length (the handle jumps there)."""
        rail = self.track(control)
        fraction = min(max(fraction, 0.005), 0.995)  # on the track, not just past its end
        self.page.mouse.click(rail["x"] + rail["width"] * fraction, rail["y"] + rail["height"] / 2)

    def sweep_drag(self, control, start=0.1, end=0.9, steps=40, pause_ms=40):
        """Drag the handle from ``start`` to ``end`` of the track in ``steps`` moves, one
        every ``pause_ms``: a person's steady drag. Returns the drag's duration in s."""
        rail = self.track(control)
        y = rail["y"] + rail["height"] / 2
        handle = control["locator"].locator(".noUi-handle").first.bounding_box()
        mouse = self.page.mouse
        mouse.move(handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2)
        mouse.down()
        began = time.monotonic()
        for k in range(steps + 1):
            mouse.move(rail["x"] + rail["width"] * (start + (end - start) * k / steps), y)
            self.page.wait_for_timeout(pause_ms)
        mouse.up()
        return time.monotonic() - began

    def settle(self, explorer, quiet_ms=300, seconds=REDRAW_SECONDS):
        """Wait until the kernel is idle and the picture has not changed for ``quiet_ms``."""
        self.wait_for_kernel_idle(seconds)
        self.page.wait_for_function(
            "([el, quiet]) => { const r = el.__probe; const now = performance.now();"
            " const last = r && r.changes.length ? r.changes[r.changes.length - 1] : 0;"
            " return now - last > quiet; }",
            arg=[explorer.element_handle(), quiet_ms],
            timeout=seconds * 1000,
        )
        self.wait_for_kernel_idle(seconds)

    # measuring in the page ------------------------------------------------------------------
    def install_probe(self, explorer):
        """Record, in the page, input events and every change of the picture's ``src``
        (a MutationObserver), with the PNG's size: ``explorer.__probe``."""
        explorer.evaluate(_PROBE_JS)

    def probe_reset(self, explorer):
        explorer.evaluate("el => { el.__probe.inputs = []; el.__probe.changes = []; el.__probe.bytes = []; }")

    def probe(self, explorer):
        return explorer.evaluate("el => JSON.parse(JSON.stringify(el.__probe))")

    def overflowing_outputs(self):
        """Outputs wider than their output area: fixed-width text that wraps (its width
        without wrapping exceeds the box; ``text table`` when it has several lines, ``text
        line`` for a single sentence), an HTML table or a widget box that sticks out."""
        return self.page.evaluate(_OVERFLOW_JS)

    # evidence ------------------------------------------------------------------------------------
    def artifact(self, suffix):
        self.artifacts.mkdir(parents=True, exist_ok=True)
        return self.artifacts / f"{self.stem}{suffix}"

    def screenshot(self, suffix=""):
        """The whole notebook: the viewport is stretched to the notebook's height first."""
        path = self.artifact(f"{suffix}.png")
        with contextlib.suppress(Exception):
            height = self.page.evaluate(
                f"() => {{ const s = {_SCROLLER}; return s ? s.scrollHeight : 0; }}"
            )
            self.page.set_viewport_size(
                {
                    "width": VIEWPORT["width"],
                    "height": int(min(max(height + 160, VIEWPORT["height"]), 14000)),
                }
            )
            self.page.evaluate(f"() => {{ const s = {_SCROLLER}; if (s) s.scrollTop = 0; }}")
            self.page.wait_for_timeout(300)
        self.page.screenshot(path=str(path))
        self.page.set_viewport_size(VIEWPORT)
        return path

    def write_log(self):
        """Browser console messages and the last notebook state, for a failure's post-mortem."""
        lines = list(self.console)
        if self.last_state is not None:
            lines.append(json.dumps(self.last_state, indent=1))
        self.artifact(".log").write_text("\n".join(lines) + "\n")


_PROBE_JS = """
el => {
  if (el.__probe) return;
  const probe = {inputs: [], changes: [], bytes: []};
  el.__probe = probe;
  const record = type => event => {
    if (type === 'keydown' && event.key !== 'Enter') return;
    probe.inputs.push([type, performance.now()]);
  };
  for (const type of ['pointerdown', 'pointerup', 'keydown', 'change']) {
    el.addEventListener(type, record(type), true);
  }
  const img = el.querySelector('img.widget-image');
  new MutationObserver(() => {
    probe.changes.push(performance.now());
    const src = img.getAttribute('src');
    fetch(src).then(r => r.arrayBuffer()).then(b => probe.bytes.push(b.byteLength)).catch(() => {});
  }).observe(img, {attributes: true, attributeFilter: ['src']});
}
"""

_OVERFLOW_JS = """
() => {
  const found = [];
  const areas = document.querySelectorAll('.jp-NotebookPanel .jp-OutputArea-output');
  areas.forEach(area => {
    const cell = area.closest('.jp-Cell');
    const index = cell ? Array.from(cell.parentElement.children).indexOf(cell) : -1;
    const room = area.clientWidth;
    area.querySelectorAll('pre').forEach(pre => {
      // the width of each line as drawn, unwrapped, in the pre's own font
      const style = getComputedStyle(pre);
      const pen = document.createElement('canvas').getContext('2d');
      pen.font = style.font || `${style.fontSize} ${style.fontFamily}`;
      const space = pre.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      const widths = pre.textContent.split('\\n').map(line => pen.measureText(line).width);
      const wide = widths.filter(w => w > space + 1);
      if (wide.length) {
        // several fixed-width lines too wide are a table; a single long line is a sentence
        found.push({cell: index, kind: wide.length > 1 ? 'text table' : 'text line',
                    room: Math.floor(space), needs: Math.ceil(Math.max(...wide)),
                    text: pre.textContent.slice(0, 60)});
      }
    });
    area.querySelectorAll('table').forEach(table => {
      const width = Math.ceil(table.getBoundingClientRect().width);
      const box = table.parentElement;
      if (width > room + 1 || box.scrollWidth > box.clientWidth + 1) {
        found.push({cell: index, kind: 'table', room, needs: width,
                    text: table.textContent.slice(0, 60)});
      }
    });
    area.querySelectorAll('.widget-box').forEach(box => {
      if (box.scrollWidth > box.clientWidth + 1) {
        found.push({cell: index, kind: 'widget box', room: box.clientWidth, needs: box.scrollWidth,
                    text: box.textContent.slice(0, 60)});
      }
    });
  });
  return found;
}
"""
