"""Jobs run in a forked child: the value comes back, an error is raised here, a dead child's job is not lost."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest

from pipeline.system.child_job import ChildFailed, in_child


def test_the_job_runs_in_another_process_and_its_value_comes_back() -> None:
    parent = os.getpid()
    shared = {"big": list(range(100_000))}  # seen by the child as it is: nothing pickled on the way in
    pending = in_child(lambda: (os.getpid(), sum(shared["big"])))
    pid, total = pending.result()
    assert pid != parent
    assert total == sum(range(100_000))
    assert pending.result() == (pid, total)  # asked twice: the same answer, no second child


def test_an_error_in_the_child_is_raised_here_as_itself(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "dir" / "f.txt"
    pending = in_child(lambda: missing.write_text("x"))
    with pytest.raises(FileNotFoundError) as caught:
        pending.result()
    assert any("forked child" in note for note in caught.value.__notes__)


def test_a_result_that_cannot_be_pickled_is_reported() -> None:
    pending = in_child(lambda: threading.Lock())
    with pytest.raises(ChildFailed, match="pickle"):
        pending.result()


def test_a_child_killed_before_answering_leaves_the_job_to_this_process(tmp_path: Path) -> None:
    parent = os.getpid()

    def job() -> int:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)  # the OOM killer, say
        return os.getpid()

    assert in_child(job).result() == parent


def test_the_child_leaves_without_running_the_parents_exit_handlers(tmp_path: Path) -> None:
    """A child leaving through `sys.exit` would flush the parent's buffered files a second time."""
    out = tmp_path / "log.txt"
    with open(out, "w") as fh:
        fh.write("parent's unflushed line\n")  # still in the buffer at the fork
        assert in_child(lambda: 42).result() == 42
    assert out.read_text() == "parent's unflushed line\n"
