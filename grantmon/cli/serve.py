"""How `grantmon run` serves: the one address to open, and a Streamlit server that ends with it."""

import ctypes
import os
import signal
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from grantmon.settings import PROJECT_ROOT

STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT)
PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def auth_secrets(root: Path = PROJECT_ROOT) -> dict[str, Any] | None:
    """The [auth] table of .streamlit/secrets.toml; None when sign-in is not configured."""
    path = root / ".streamlit" / "secrets.toml"
    if not path.exists():
        return None
    auth: dict[str, Any] | None = tomllib.loads(path.read_text(encoding="utf-8")).get("auth")
    return auth


def address_to_open(redirect_uri: str | None, address: str, port: int) -> str:
    """The address a person opens: the sign-in's own, else the loopback one served."""
    if redirect_uri:
        # The provider sends the browser back to this host only: a cookie set on another
        # host (localhost for 127.0.0.1) is not sent, and the sign-in fails silently.
        return redirect_uri.rstrip("/").removesuffix("oauth2callback").rstrip("/")
    host = f"[{address}]" if ":" in address else address
    return f"http://{host}:{port}"


def streamlit_command(script: Path, address: str, port: int) -> list[str]:
    """`streamlit run` of `script` on `address` and `port`, in this Python."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(script),
        "--server.address",
        address,
        "--server.port",
        str(port),
        # Streamlit's banner names the address it binds, which may not be the one to open.
        "--logger.hideWelcomeMessage",
        "true",
    ]


def serve(command: list[str], *, cwd: Path, env: dict[str, str]) -> int:
    """Run the server until it ends, passing on a request to stop; its exit status."""
    child = subprocess.Popen(command, cwd=cwd, env=env, **tied_to_parent())

    def forward(signum: int, _frame: object) -> None:
        child.send_signal(signum)

    previous = {number: signal.signal(number, forward) for number in STOP_SIGNALS}
    try:
        code = child.wait()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
    return code if code >= 0 else 128 - code  # ended by a signal: the shell's convention


def tied_to_parent() -> dict[str, Any]:
    """Popen options that keep the server from outliving this process."""
    if os.name != "posix":
        return {}
    # A group of its own: a Ctrl-C in the terminal reaches the server once, through us; a
    # second one would make it skip its shutdown (the chart-image browser left running).
    options: dict[str, Any] = {"process_group": 0}
    if sys.platform.startswith("linux"):
        options["preexec_fn"] = dies_with(os.getpid())
    return options


def dies_with(parent: int) -> Callable[[], None]:
    """In the child before it starts: the kernel sends it SIGTERM when `parent` ends, even
    when `parent` is killed outright and cannot pass anything on."""
    prctl = ctypes.CDLL(None, use_errno=True).prctl  # looked up before the fork

    def arrange() -> None:
        prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the parent ended before the request took effect
            os._exit(1)

    return arrange
