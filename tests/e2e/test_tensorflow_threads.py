"""The Rasa server runs TensorFlow with one thread for operations, as `make run` and the tests start it.

DIET's prediction graph is hundreds of tiny operations; TensorFlow's default
pools (one thread per core for operations, one per core inside each) cost more
CPU handing them out than they saved: about a seventh of the Rasa server's CPU
per turn on two cores (docs/performance.md). Rasa reads
TF_INTER_OP_PARALLELISM_THREADS and TF_INTRA_OP_PARALLELISM_THREADS at start;
the Procfile sets both to 1 unless the environment already sets them.
"""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.e2e.test_action_server_keep_alive import _procfile_command
from tests.support.assistant import ROOT, TENSORFLOW_THREADS

NAMES = sorted(TENSORFLOW_THREADS)


def _procfile_environment(overrides: dict[str, str]) -> dict[str, str]:
    """The variables the Procfile's rasa line sets, as the shell expands them, given `overrides`."""
    command = _procfile_command("rasa")
    assignments = command.split(".venv/bin/python", 1)[0]
    env = {key: value for key, value in os.environ.items() if key not in NAMES}
    env.update(overrides)
    printed = subprocess.run(["/bin/sh", "-c", f"{assignments} env"], cwd=ROOT, env=env, check=True,
                             capture_output=True, text=True).stdout
    values = dict(line.partition("=")[::2] for line in printed.splitlines())
    return {name: values.get(name, "") for name in NAMES}


def test_the_procfile_starts_rasa_with_one_tensorflow_thread() -> None:
    assert _procfile_environment({}) == TENSORFLOW_THREADS


def test_an_operator_s_setting_wins() -> None:
    assert _procfile_environment({name: "2" for name in NAMES}) == {name: "2" for name in NAMES}


@pytest.mark.parametrize("threads", ["1", "2"])
def test_rasa_gives_tensorflow_what_the_variables_say(threads: str) -> None:
    script = (
        "from rasa.utils.tensorflow.environment import setup_tf_environment\n"
        "setup_tf_environment()\n"
        "import tensorflow as tf\n"
        "print(tf.config.threading.get_inter_op_parallelism_threads(),"
        " tf.config.threading.get_intra_op_parallelism_threads())\n"
    )
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **{name: threads for name in NAMES}}
    printed = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True,
                             capture_output=True, text=True).stdout.split()
    assert printed[-2:] == [threads, threads]
