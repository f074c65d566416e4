"""A small helper process that starts scripts for a worker process and adopts what they leave behind.

``process.run_process`` starts one of these per worker process (more only while several threads
run scripts at once) as ``python -I -S spawner.py <worker pid> <socket fd>``, so it imports
nothing but the standard library and stays small: its ``fork()`` is much cheaper than a fork of
the worker, which CPython has to do when a ``preexec_fn`` is given to ``subprocess.Popen``.

The spawner

* sets ``RLIMIT_CORE`` to 0, which every script inherits;
* is a child subreaper (``PR_SET_CHILD_SUBREAPER``): a process that a script orphans is reparented
  to the closest living subreaper above it, which is the script itself while it runs and the
  spawner afterwards. While the spawner lives nothing a script started can leave its subtree;
* serves one script at a time, so its children are that script's root and its adopted orphans;
* dies with the worker: ``PR_SET_PDEATHSIG`` sends it SIGTERM when the worker thread that
  started it exits. If ``getppid()`` still is the worker, only that thread ended and the
  spawner carries on; otherwise the worker is gone and the spawner SIGKILLs every descendant,
  reaps them and exits. It does the same when the worker closes its end of the socket.

Requests and replies are ``marshal``-encoded tuples on an ``AF_UNIX`` ``SOCK_SEQPACKET`` pair; the
script's stdout and stderr travel as file descriptors (``SCM_RIGHTS``):

``("spawn", executables, argv, env, cwd)`` with two descriptors
    Fork; in the child start a session, arm ``PR_SET_PDEATHSIG`` (SIGKILL, relative to the
    spawner) and check the spawner is still the parent, become a subreaper, take stdin from
    /dev/null and stdout/stderr from the descriptors, reset the signals Python ignores (the
    spawner has no other signal ignored or blocked, and execve resets its handlers), change
    directory and ``execve`` the first executable that can be run (the PATH search of
    ``subprocess``). A close-on-exec pipe carries a failure back, as in ``subprocess``. Reply
    ``("started", pid)`` or ``("failed", errno)``.
``("finish", pid)``
    Reap the script's root if it has exited, then every exited child. Reply
    ``("finished", status, clean)``: ``status`` is the root's wait status (None while it runs)
    and ``clean`` is true when the spawner has no child left at all, that is nothing of the
    script is alive.
``("reap",)``
    Reap every exited child. Reply ``("reaped", clean)``.
"""

from __future__ import annotations

import ctypes
import errno
import gc
import marshal
import os
import resource
import signal
import socket
import sys
import time

# Only for the type checker: the spawner imports as little as it can, to start fast and fork cheaply.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any

# <linux/prctl.h>
PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36

# A request holds a script's argv and environment; larger ones are refused by the socket.
MAX_MESSAGE = 200 * 1024
# SIGKILL cannot be ignored, but a process in uninterruptible sleep only dies when it wakes.
GIVE_UP_SECONDS = 30.0
_KILL_RETRY_SECONDS = 0.01
# Handled by the spawner (see ``Spawner.on_signal``); execve resets them to the default.
_HANDLED_SIGNALS = (signal.SIGTERM, signal.SIGHUP, signal.SIGINT)
# Ignored by Python, which execve would keep: reset in every script, as subprocess does.
_IGNORED_SIGNALS = (signal.SIGPIPE, signal.SIGXFSZ)


def load_prctl() -> Callable[..., int] | None:
    """``prctl(2)`` through ctypes, or None where it does not exist."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    return prctl


class Stat:
    """The fields of ``/proc/<pid>/stat`` that tell where a process belongs."""

    __slots__ = ("pgrp", "ppid", "session", "start_time", "zombie")

    def __init__(self, ppid: int, pgrp: int, session: int, start_time: int, zombie: bool) -> None:
        self.ppid = ppid
        self.pgrp = pgrp
        self.session = session
        self.start_time = start_time
        self.zombie = zombie


def read_stat(pid: int) -> Stat | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as file:
            data = file.read()
    except OSError:
        return None
    # The command name (field 2) is in parentheses and may itself contain spaces and parentheses.
    fields = data[data.rfind(b")") + 2 :].split()
    # fields[0] is field 3 of proc(5): state, ppid, pgrp, session, ..., starttime (field 22).
    return Stat(
        ppid=int(fields[1]),
        pgrp=int(fields[2]),
        session=int(fields[3]),
        start_time=int(fields[19]),
        zombie=fields[0] in (b"Z", b"X"),
    )


def process_table() -> dict[int, Stat]:
    table: dict[int, Stat] = {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            stat = read_stat(int(name))
            if stat is not None:
                table[int(name)] = stat
    return table


def descendants(ancestor: int, table: dict[int, Stat]) -> dict[int, int]:
    """The live (not zombie) descendants of ``ancestor`` in ``table``, with their start times."""
    children: dict[int, list[int]] = {}
    for pid, stat in table.items():
        children.setdefault(stat.ppid, []).append(pid)
    found: dict[int, int] = {}
    stack = list(children.get(ancestor, ()))
    while stack:
        pid = stack.pop()
        if pid in found:
            continue
        found[pid] = table[pid].start_time
        stack.extend(children.get(pid, ()))
    return {pid: start for pid, start in found.items() if not table[pid].zombie}


def send_signal(pid: int, start_time: int, signum: int) -> None:
    """Signal ``pid`` if it still is the process that started at ``start_time``.

    Through a pidfd the check and the signal concern the same process even if the pid is reused
    in between; without one, a pid reused right between them could still be hit.
    """
    try:
        pidfd = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    except (AttributeError, OSError):
        pidfd = -1
    try:
        stat = read_stat(pid)
        if stat is None or stat.start_time != start_time:
            return
        if pidfd >= 0:
            signal.pidfd_send_signal(pidfd, signum)
        else:
            os.kill(pid, signum)
    except (ProcessLookupError, PermissionError):
        pass
    finally:
        if pidfd >= 0:
            os.close(pidfd)


def reap_exited_children() -> bool:
    """Reap every child that has exited; whether no child at all is left."""
    while True:
        try:
            if os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG) is None:
                return False
        except ChildProcessError:
            return True


def kill_descendants(give_up_seconds: float = GIVE_UP_SECONDS) -> bool:
    """SIGKILL and reap every descendant of this process; whether none is left."""
    me = os.getpid()
    give_up = time.monotonic() + give_up_seconds
    while not reap_exited_children():
        if time.monotonic() > give_up:
            return False
        for pid, start_time in descendants(me, process_table()).items():
            send_signal(pid, start_time, signal.SIGKILL)
        time.sleep(_KILL_RETRY_SECONDS)
    return True


def decode(data: bytes | bytearray) -> Any:
    """A message from the other end of the socket pair: our own worker or spawner, never anyone else."""
    return marshal.loads(data)  # noqa: S302 - the peer is our own parent or child process


def fd_message(message: Any, fds: Iterable[int] = ()) -> tuple[list[bytes], list[tuple[int, int, bytes]]]:
    """The buffers and ancillary data of ``sendmsg`` for ``message`` with ``fds`` attached."""
    fds = list(fds)
    ancillary = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, b"".join(fd.to_bytes(4, sys.byteorder) for fd in fds))]
    return [marshal.dumps(message)], ancillary if fds else []


def received_fds(ancillary: list[tuple[int, int, bytes]]) -> list[int]:
    fds: list[int] = []
    for level, kind, data in ancillary:
        if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            usable = len(data) - len(data) % 4
            fds.extend(int.from_bytes(data[i : i + 4], sys.byteorder) for i in range(0, usable, 4))
    return fds


class Spawner:
    """The serving side: one request at a time from the worker at the other end of ``sock``."""

    def __init__(self, sock: socket.socket, worker_pid: int, prctl: Callable[..., int]) -> None:
        self.sock = sock
        self.worker_pid = worker_pid
        self.pid = os.getpid()
        self.prctl = prctl
        self.devnull = os.open(os.devnull, os.O_RDONLY | os.O_CLOEXEC)
        self.buffer = bytearray(MAX_MESSAGE)

    def on_signal(self, signum: int, frame: object) -> None:
        # Never in a child forked for a script (until its execve resets the handler); and while
        # the worker still is the parent, only the thread that started us has exited (or someone
        # else sent the signal): keep serving.
        if os.getpid() != self.pid or os.getppid() == self.worker_pid:
            return
        kill_descendants()
        os._exit(0)

    def serve(self) -> None:
        self.sock.send(marshal.dumps(("ready", self.pid)))
        ancillary_size = socket.CMSG_SPACE(2 * 4)
        while True:
            try:
                size, ancillary, flags, _ = self.sock.recvmsg_into(
                    [self.buffer], ancillary_size, socket.MSG_CMSG_CLOEXEC
                )
            except ConnectionResetError:
                size, ancillary, flags = 0, [], 0
            fds = received_fds(ancillary)
            if size == 0:  # the worker closed its end: it is done with us, or gone
                for fd in fds:
                    os.close(fd)
                return
            if flags & (socket.MSG_TRUNC | socket.MSG_CTRUNC):
                for fd in fds:
                    os.close(fd)
                reply: tuple[Any, ...] = ("failed", errno.E2BIG)
            else:
                reply = self.handle(decode(self.buffer[:size]), fds)
            try:
                self.sock.send(marshal.dumps(reply))
            except OSError:  # the worker closed its end before reading the reply
                return

    def handle(self, request: tuple[Any, ...], fds: list[int]) -> tuple[Any, ...]:
        if request[0] == "spawn" and len(fds) == 2:
            return self.spawn(*request[1:], stdout=fds[0], stderr=fds[1])
        for fd in fds:
            os.close(fd)
        if request[0] == "finish":
            try:
                pid, status = os.waitpid(request[1], os.WNOHANG)
            except ChildProcessError:
                return ("finished", None, reap_exited_children())
            if pid == 0:
                return ("finished", None, False)
            return ("finished", status, reap_exited_children())
        if request[0] == "reap":
            return ("reaped", reap_exited_children())
        raise ValueError(f"unknown request {request[0]!r}")

    def spawn(
        self,
        executables: list[bytes],
        argv: list[bytes],
        env: list[tuple[bytes, bytes]],
        cwd: bytes,
        *,
        stdout: int,
        stderr: int,
    ) -> tuple[Any, ...]:
        environment = dict(env)
        try:
            error_read, error_write = os.pipe()  # both close-on-exec
        except OSError as error:
            os.close(stdout)
            os.close(stderr)
            return ("failed", error.errno)
        try:
            pid = os.fork()
            if pid == 0:
                self._exec_child(executables, argv, environment, cwd, stdout, stderr, error_write)
        except OSError as error:
            os.close(error_read)
            return ("failed", error.errno)
        finally:
            os.close(error_write)
            os.close(stdout)
            os.close(stderr)
        with open(error_read, "rb") as pipe:
            failure = pipe.read()
        if failure:
            os.waitpid(pid, 0)
            return ("failed", int(failure))
        return ("started", pid)

    def _exec_child(
        self,
        executables: list[bytes],
        argv: list[bytes],
        env: dict[bytes, bytes],
        cwd: bytes,
        stdout: int,
        stderr: int,
        error_write: int,
    ) -> None:
        # Whatever happens here, this process must never return into the spawner's loop.
        code = 0
        try:
            for signum in _IGNORED_SIGNALS:
                signal.signal(signum, signal.SIG_DFL)
            self.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
            if os.getppid() != self.pid:  # the spawner died before the death signal was armed
                os._exit(1)
            os.setsid()
            self.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
            os.dup2(self.devnull, 0)
            os.dup2(stdout, 1)
            os.dup2(stderr, 2)
            os.chdir(cwd)
            # The PATH search of subprocess: report the first error other than "not there".
            for executable in executables:
                try:
                    os.execve(executable, argv, env)  # noqa: S606 - argv comes from the worker, never from a shell string
                except OSError as error:
                    if not code or code in (errno.ENOENT, errno.ENOTDIR):
                        code = error.errno or errno.ENOEXEC
        except OSError as error:
            code = error.errno or errno.EINVAL
        except BaseException:
            code = errno.EINVAL
        finally:
            try:
                os.write(error_write, b"%d" % (code or errno.ENOEXEC))
            finally:
                os._exit(127)


def main(argv: list[str]) -> None:
    worker_pid, fd = int(argv[1]), int(argv[2])
    prctl = load_prctl()
    if prctl is None:
        sys.exit("prctl is not available")
    sock = socket.socket(fileno=fd)
    sock.set_inheritable(False)
    # Descriptors 0-2 are taken, so that a received descriptor is never one of them.
    for standard in (0, 1, 2):
        try:
            os.fstat(standard)
        except OSError:
            os.open(os.devnull, os.O_RDWR)
    spawner = Spawner(sock, worker_pid, prctl)
    # Start clean whatever the worker had: default handling (ignored signals included, which
    # execve would pass on to the scripts) and no blocked signals; SIGPIPE and SIGXFSZ stay
    # ignored here (a write to a closed socket is an error) and are reset in each script.
    for signum in signal.valid_signals():
        if signum not in (*_IGNORED_SIGNALS, signal.SIGKILL, signal.SIGSTOP):
            try:
                if signal.getsignal(signum) is signal.SIG_IGN:
                    signal.signal(signum, signal.SIG_DFL)
            except (OSError, ValueError):
                pass
    signal.pthread_sigmask(signal.SIG_SETMASK, ())
    for signum in _HANDLED_SIGNALS:
        signal.signal(signum, spawner.on_signal)
    prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    if os.getppid() != worker_pid:  # the worker died before the death signal was armed
        sys.exit(1)
    if prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        sys.exit("cannot become a child subreaper")
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    # What a fork copies is written to as little as possible: no collections (nothing here
    # makes cycles worth collecting), and the objects made so far are never visited by one.
    gc.disable()
    gc.freeze()
    try:
        spawner.serve()
    finally:
        # Whatever ended the service, nothing started through it may outlive it.
        kill_descendants()


if __name__ == "__main__":
    main(sys.argv)
