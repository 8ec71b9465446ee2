"""The Rasa server runs TensorFlow as `make run` and the tests start it: one thread, no oneDNN.

DIET's prediction graph is hundreds of tiny operations:
- TensorFlow's default pools (one thread per core for operations, one per core
  inside each) cost more CPU handing them out than they saved: about a seventh
  of the Rasa server's CPU per turn on two cores. Rasa reads
  TF_INTER_OP_PARALLELISM_THREADS and TF_INTRA_OP_PARALLELISM_THREADS at start.
- oneDNN's kernels, TensorFlow's default on x86 Linux, made each call of the
  graph about a quarter slower than TensorFlow's own (same intents, entities
  and confidences to 1e-6 on the held-out messages). TensorFlow reads
  TF_ENABLE_ONEDNN_OPTS when it loads.
The Procfile sets all three unless the environment already sets them (docs/performance.md).
"""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.e2e.test_action_server_keep_alive import _procfile_command
from tests.support.assistant import ROOT, TENSORFLOW_SETTINGS

NAMES = sorted(TENSORFLOW_SETTINGS)
THREADS = ["TF_INTER_OP_PARALLELISM_THREADS", "TF_INTRA_OP_PARALLELISM_THREADS"]


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


def test_the_procfile_starts_rasa_with_one_tensorflow_thread_and_no_onednn() -> None:
    assert _procfile_environment({}) == TENSORFLOW_SETTINGS
    assert TENSORFLOW_SETTINGS == {**{name: "1" for name in THREADS}, "TF_ENABLE_ONEDNN_OPTS": "0"}


def test_an_operator_s_setting_wins() -> None:
    operator = {**{name: "2" for name in THREADS}, "TF_ENABLE_ONEDNN_OPTS": "1"}
    assert _procfile_environment(operator) == operator


def _tensorflow_in_a_process(env: dict[str, str], script: str) -> list[str]:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", **env}
    return subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True,
                          capture_output=True, text=True).stdout.split()


@pytest.mark.parametrize("threads", ["1", "2"])
def test_rasa_gives_tensorflow_what_the_variables_say(threads: str) -> None:
    script = (
        "from rasa.utils.tensorflow.environment import setup_tf_environment\n"
        "setup_tf_environment()\n"
        "import tensorflow as tf\n"
        "print(tf.config.threading.get_inter_op_parallelism_threads(),"
        " tf.config.threading.get_intra_op_parallelism_threads())\n"
    )
    assert _tensorflow_in_a_process({name: threads for name in THREADS}, script)[-2:] == [threads, threads]


@pytest.mark.parametrize(("setting", "on"), [("0", "False"), ("1", "True")])
def test_tensorflow_uses_onednn_as_the_variable_says(setting: str, on: str) -> None:
    script = (
        "import tensorflow\n"
        "from tensorflow.python.util import _pywrap_util_port\n"
        "print(_pywrap_util_port.IsMklEnabled())\n"
    )
    assert _tensorflow_in_a_process({"TF_ENABLE_ONEDNN_OPTS": setting}, script)[-1:] == [on]
