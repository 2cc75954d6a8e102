"""tools/notebook_runner.py: the one runner behind the stored outputs and the benchmark."""

import nbformat
import pytest

from tools import execute_notebooks
from tools.notebook_runner import KERNELSPEC, execute, normalize, problems

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def _notebook(*sources):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# a title")]
    nb.cells += [nbformat.v4.new_code_cell(source) for source in sources]
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    return nb


def test_normalize_drops_widget_state_and_timing():
    nb = _notebook("w")
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    nb.metadata["kernelspec"] = {"name": "conda-env-x", "display_name": "x", "language": "python"}
    cell = nb.cells[1]
    cell.metadata["execution"] = {"iopub.execute_input": "2026-01-01T00:00:00Z"}
    cell.metadata["ExecuteTime"] = {"end_time": "2026-01-01T00:00:01Z"}
    cell.metadata["tags"] = ["nbval-ignore-output"]
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"text/plain": "a slider", WIDGET_VIEW: {"model_id": "abc"}},
            metadata={"execution": {"x": 1}, "keep": 1},
        )
    ]
    assert normalize(nb) is nb
    assert "widgets" not in nb.metadata
    assert nb.metadata["kernelspec"] == KERNELSPEC
    assert "execution" not in cell.metadata and "ExecuteTime" not in cell.metadata
    assert cell.metadata["tags"] == ["nbval-ignore-output"]  # what is not timing stays
    output = cell.outputs[0]
    assert WIDGET_VIEW not in output["data"] and output["data"]["text/plain"] == "a slider"
    assert output["metadata"] == {"keep": 1}


def test_normalize_joins_a_stream_cut_into_pieces_but_keeps_the_order_of_outputs():
    nb = _notebook("prints")
    stream = nbformat.v4.new_output
    figure = stream("display_data", data={"text/plain": "<Figure>"})
    nb.cells[1].outputs = [stream("stream", name="stdout", text="a\n"), stream("stream", name="stdout", text="b\n"),
                           stream("stream", name="stderr", text="!\n"), figure, stream("stream", name="stdout", text="c\n"),
                           stream("stream", name="stdout", text="d\n")]
    outputs = normalize(nb).cells[1].outputs
    assert [(o["output_type"], o.get("name"), o.get("text")) for o in outputs] == [
        ("stream", "stdout", "a\nb\n"), ("stream", "stderr", "!\n"), ("display_data", None, None),
        ("stream", "stdout", "c\nd\n"),
    ]


def test_problems_lists_errors_and_stderr_by_cell():
    nb = _notebook("1", "2", "3")
    nb.cells[1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="fine\n")]
    nb.cells[2].outputs = [nbformat.v4.new_output("stream", name="stderr", text="careful\n")]
    nb.cells[3].outputs = [
        nbformat.v4.new_output("error", ename="ValueError", evalue="bad", traceback=[])
    ]
    assert problems(nb) == ["cell 2: stderr: 'careful\\n'", "cell 3: ValueError: bad"]
    assert problems(_notebook("1")) == []


def test_a_notebook_with_an_error_or_stderr_is_reported_and_exits_1(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MPLBACKEND", "Agg")  # the kernel must not inherit it
    path = tmp_path / "00_bad.ipynb"
    nbformat.write(
        _notebook(
            "import os, sys\nprint(os.environ.get('MPLBACKEND'))",
            "print('careful', file=sys.stderr)",
            "1 / 0",
            "print('after the error')",
        ),
        path,
    )
    before = path.read_bytes()
    run = execute(path)
    assert path.read_bytes() == before  # write=False leaves the file as it was
    assert len(run.problems) == 2, run.problems
    assert "stderr" in run.problems[0] and "ZeroDivisionError" in run.problems[1]
    assert run.notebook.cells[1].outputs[0]["text"].strip() != "Agg"
    assert run.notebook.cells[4].outputs[0]["text"] == "after the error\n"  # every cell ran
    assert run.seconds > 0

    assert execute_notebooks.main([str(path)]) == 1
    printed = capsys.readouterr().out
    assert "PROBLEMS" in printed and "ZeroDivisionError" in printed
    stored = nbformat.read(path, as_version=4)  # written back, normalized
    assert stored.metadata["kernelspec"] == KERNELSPEC and "widgets" not in stored.metadata
    assert problems(stored) == run.problems


def test_execute_notebooks_refuses_a_missing_path(capsys):
    with pytest.raises(SystemExit) as exit_:
        execute_notebooks.main(["no/such.ipynb"])
    assert exit_.value.code == 2 and "no such notebook" in capsys.readouterr().err
