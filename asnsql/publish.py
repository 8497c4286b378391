"""Publishing output whole or not at all: staging folders and files, atomic replacement,
and the clean-up of runs that were killed.

Files are first written under a hidden name beside their destination
(``.NAME.asnsql-PID-HEX``, :data:`STAGING_MARK`) and then moved into place: one file by a
rename (:func:`write_file_atomic`), a folder of files at once (:func:`publish_folder`). The
next run writing beside a killed run's staging removes it, first undoing any replacement it
left half done (:func:`clean_stale`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path
from typing import Callable

from .errors import Interrupted, OutputError

__all__ = ["STAGING_MARK", "publish_folder", "write_file_atomic", "clean_stale"]

#: Marks asnsql's staging folders and files: ``.NAME.asnsql-PID-HEX``.
STAGING_MARK = ".asnsql-"


def publish_folder(folder: str | os.PathLike, write: Callable[[Path], list[str]],
                   on_published: Callable[[], None] | None = None) -> list[Path]:
    """Write files into ``folder`` through a staging folder: the old folder or the
    complete new one.

    The files are written into a staging folder beside ``folder`` and published at once: a
    new folder by one rename; an existing folder holding only files by exchanging it with
    the staging folder (which first gets links to the files kept), in one ``renameat2``
    call where the system has it; otherwise (the current folder, sub-folders, another file
    system) each replaced file is moved aside and put back on any exception,
    ``KeyboardInterrupt`` included. Staging folders of runs that were killed are removed
    (and their replacements undone) by the next run writing beside them.

    Parameters
    ----------
    folder : path
        Destination; created if missing. The caller has checked that its parent exists
        and that it is not a file.
    write : callable
        ``write(staging) -> names``: writes the files into the folder ``staging`` and
        returns their names, in order.
    on_published : callable, optional
        Called once the files are in place, with Ctrl-C still held back: a caller noting
        there that its output is written cannot be interrupted between the two (and so
        say, on a later Ctrl-C, that nothing was changed).

    Returns
    -------
    list of pathlib.Path
        ``folder / name`` for each name ``write`` returned.

    Raises
    ------
    OutputError
        When the files cannot be written (``write`` raised ``OSError``) or put in place;
        ``folder`` is then unchanged.
    Interrupted
        On Ctrl-C once the files are in place (nothing else is changed).
    """
    folder = Path(folder)
    staging = _Staging(Path(os.path.abspath(folder)), on_published)
    try:
        with staging:
            try:
                names = write(staging.path)
            except OSError as err:
                raise OutputError(f"cannot write associations into {folder}: "
                                  f"{err.strerror or err}; nothing was written") from None
            staging.publish(names)
    except KeyboardInterrupt:
        if staging.published:
            raise Interrupted(f"interrupted after the associations were written into "
                              f"{folder}; nothing else was changed") from None
        raise
    return [folder / name for name in names]


class _Staging:
    """A staging folder for :func:`publish_folder` and its publication (see there).

    Used as a context manager: stale staging folders of dead runs beside ``folder`` are
    cleaned on entry; the staging folder is removed on exit, whatever happened.
    """

    def __init__(self, folder: Path, on_published: Callable[[], None] | None = None):
        self.folder = folder
        self._on_published = on_published
        fresh = not folder.exists()
        # Exchanging needs the staging folder in the parent (same file system); moving
        # files one by one works from inside the folder itself.
        self.swap = fresh or _swappable(folder)
        self.where = folder.parent if self.swap else folder
        self.path: Path = Path()
        #: Whether the new files are in place (a Ctrl-C after that changes nothing back).
        self.published = False

    def _mark_published(self) -> None:
        """Note that the new files are in place (with Ctrl-C held back), and tell the
        caller."""
        self.published = True
        if self._on_published is not None:
            self._on_published()

    def __enter__(self) -> "_Staging":
        clean_stale(self.where, self.folder.name)
        try:
            self.path = _staging_folder(self.where, self.folder.name)
        except OSError as err:
            raise OutputError(f"cannot write in {self.where}: {err.strerror or err}; "
                              "nothing was written") from None
        return self

    def __exit__(self, *exc) -> None:
        shutil.rmtree(self.path, ignore_errors=True)

    def publish(self, names: list[str]) -> None:
        """Put the staged files ``names`` into the folder (all, or none on any error)."""
        folder = self.folder
        try:
            if self.swap and not folder.exists():
                try:
                    with holding_interrupts():
                        os.rename(self.path, folder)
                        self._mark_published()
                    return
                except OSError:
                    if not folder.is_dir():
                        raise
                    # Another run made the folder meanwhile: add to it.
                    self.swap = _swappable(folder)
            blocked = [n for n in names if (folder / n).is_dir()
                       or ((folder / n).exists() and not (folder / n).is_file())]
            if blocked:
                raise OutputError(f"cannot replace {folder / blocked[0]}: it is a folder "
                                  "or not a regular file; nothing was written")
            if self.swap and self.path.parent == folder.parent:
                self._exchange(names)
            else:
                if self.path.parent != folder:
                    moved = _staging_folder(folder, folder.name)
                    for name in names:
                        os.replace(self.path / name, moved / name)
                    shutil.rmtree(self.path, ignore_errors=True)
                    self.path = moved
                self._replace_each(names)
        except OSError as err:
            raise OutputError(f"cannot write associations into {folder}: "
                              f"{err.strerror or err}; nothing was written") from None

    def _exchange(self, names: list[str]) -> None:
        """Give the staging folder the files kept, then swap it with the folder."""
        staged = set(names)
        with os.scandir(self.folder) as found:
            entries = list(found)
        for entry in entries:
            if entry.name not in staged:
                try:
                    os.link(entry.path, self.path / entry.name, follow_symlinks=False)
                except OSError:
                    shutil.copy2(entry.path, self.path / entry.name, follow_symlinks=False)
        os.chmod(self.path, self.folder.stat().st_mode & 0o7777)
        with holding_interrupts():
            _exchange_paths(self.path, self.folder)
            self._mark_published()

    def _replace_each(self, names: list[str]) -> None:
        """Move each replaced file aside, put the new one in its place; undo on any
        exception. A journal lets :func:`clean_stale` undo a run killed meanwhile."""
        backup = self.path / ".old"
        backup.mkdir()
        journal = [f"{int((self.folder / n).exists())}\t{n}" for n in names]
        (self.path / ".journal").write_text("\n".join(journal) + "\n", encoding="utf-8")
        moved: list[str] = []
        placed: list[str] = []
        try:
            for name in names:
                target = self.folder / name
                if target.exists():
                    os.replace(target, backup / name)
                    moved.append(name)
                os.replace(self.path / name, target)
                placed.append(name)
            with holding_interrupts():
                (self.path / ".journal").unlink()
                self._mark_published()
        except BaseException:
            for name in placed:
                (self.folder / name).unlink(missing_ok=True)
            for name in moved:
                os.replace(backup / name, self.folder / name)
            raise


_held: dict = {"depth": 0, "caught": [], "previous": None}


@contextlib.contextmanager
def holding_interrupts():
    """Hold Ctrl-C back around a step that must not be cut from the note that it was done:
    a SIGINT meanwhile is noted and raised as ``KeyboardInterrupt`` when the last hold
    ends. Holds nest, in any order of ending (a caller may start one inside another that
    ends first: :func:`asnsql.generate.generate_files` holds from the files' publication
    to the database's commit). A no-op outside the main thread (where Python runs signal
    handlers)."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        yield
        return
    if _held["depth"] == 0:
        _held["caught"] = []
        _held["previous"] = signal.signal(signal.SIGINT,
                                          lambda number, frame: _held["caught"].append(number))
    _held["depth"] += 1
    try:
        yield
    finally:
        _held["depth"] -= 1
        last = _held["depth"] == 0
        if last:
            signal.signal(signal.SIGINT, _held["previous"])
    if last and _held["caught"]:
        raise KeyboardInterrupt


def _swappable(folder: Path) -> bool:
    """Whether an existing folder can be replaced whole by exchanging it with another:
    it holds files only, is ours, is not (or holds) the current folder, and the system
    exchanges folders in one call."""
    try:
        if _renameat2() is None or folder.is_symlink():
            return False
        info = folder.stat()
        if info.st_uid != os.getuid() or folder.parent.stat().st_dev != info.st_dev:
            return False
        if not os.access(folder.parent, os.W_OK):
            return False
        here, there = Path.cwd().resolve(), folder.resolve()
        if here == there or there in here.parents:
            return False
        with os.scandir(folder) as entries:
            return all(not e.is_dir(follow_symlinks=False) for e in entries)
    except OSError:
        return False


def _renameat2():
    """libc's ``renameat2`` (Linux), or None."""
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p,
                         ctypes.c_uint]
    return function


def _exchange_paths(a: Path, b: Path) -> None:
    """Swap two paths atomically (``renameat2(RENAME_EXCHANGE)``)."""
    import ctypes

    at_fdcwd, rename_exchange = -100, 2
    if _renameat2()(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange):
        errno = ctypes.get_errno()
        raise OSError(errno, os.strerror(errno), str(b))


def clean_stale(where: str | os.PathLike, name: str) -> None:
    """Remove staging folders and files ``.NAME.asnsql-PID-*`` in ``where`` left by runs
    that are no longer running, first undoing any replacement such a run left half done
    (its journal names the files: each backed-up file is put back, each new file placed
    is removed)."""
    where = Path(where)
    prefix = f".{name}{STAGING_MARK}"
    try:
        with os.scandir(where) as found:
            entries = [e for e in found if e.name.startswith(prefix)]
    except OSError:
        return
    for entry in entries:
        pid = entry.name[len(prefix):].split("-", 1)[0]
        if not pid.isdigit() or _alive(int(pid)):
            continue
        path = Path(entry.path)
        if path.is_dir() and not path.is_symlink():
            _undo(path, where)
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def _undo(staging: Path, folder: Path) -> None:
    journal = staging / ".journal"
    if not journal.is_file():
        return
    for line in journal.read_text(encoding="utf-8").splitlines():
        existed, _, name = line.partition("\t")
        if not name:
            continue
        backup, target = staging / ".old" / name, folder / name
        try:
            if backup.exists():
                os.replace(backup, target)
            elif existed == "0" and not (staging / name).exists():
                target.unlink(missing_ok=True)
        except OSError:
            continue


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


def write_file_atomic(path: str | os.PathLike, data: str | bytes) -> Path:
    """Write one file whole or not at all: a temporary file beside it, then a rename.

    Parameters
    ----------
    path : path
        The destination (replaced if it exists; its folder must exist). A symbolic link
        is followed: the file it points to is replaced, the link stays.
    data : str or bytes
        Text (written as UTF-8) or bytes.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    OutputError
        When the folder is missing or not writable; the destination is then unchanged.
    """
    import secrets

    given = Path(path)
    path = Path(os.path.realpath(given)) if given.is_symlink() else given
    if not path.parent.is_dir():
        raise OutputError(f"cannot write {path}: folder {path.parent} does not exist")
    if path.is_dir():
        raise OutputError(f"cannot write {path}: it is a folder")
    clean_stale(path.parent, path.name)
    tmp = path.parent / f".{path.name}{STAGING_MARK}{os.getpid()}-{secrets.token_hex(4)}"
    try:
        if isinstance(data, str):
            tmp.write_text(data, encoding="utf-8")
        else:
            tmp.write_bytes(data)
        if path.exists():
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException as err:
        tmp.unlink(missing_ok=True)
        if not isinstance(err, OSError):
            raise
        raise OutputError(f"cannot write {path}: {err.strerror or err}; nothing was written") \
            from None
    return given


def _staging_folder(parent: Path, name: str) -> Path:
    """A new hidden folder in ``parent`` (plain mkdir: on some file systems files are much
    slower to create in the private folders ``tempfile.mkdtemp`` makes)."""
    import secrets

    for _ in range(100):
        path = parent / f".{name}{STAGING_MARK}{os.getpid()}-{secrets.token_hex(4)}"
        try:
            path.mkdir()
            return path
        except FileExistsError:
            continue
    raise OSError(f"cannot make a staging folder in {parent}")


