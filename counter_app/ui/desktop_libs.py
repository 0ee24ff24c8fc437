"""Before Qt starts on Linux: are the X11 libraries its xcb platform plugin needs installed?

Qt names only the first library it misses (often ``xcb-cursor0`` while ``libxcb-icccm4`` and
``libxcb-keysyms1`` were missing too), so an installer fixes one, fails again, and so on. This
check looks for all of them at once and prints the one ``apt-get install`` line that fixes them.
It imports no Qt (it must run where Qt cannot start) and changes nothing.
"""

from __future__ import annotations

import ctypes.util
import os
import sys
from collections.abc import Callable, Sequence

from counter_app.services.i18n import _, set_language

# (library name for ctypes.util.find_library, Debian/Ubuntu package): what Qt 6.11's
# libQt6XcbQpa.so.6 links (read with ldd), minus libxcb itself and libX11.
XCB_LIBRARIES: tuple[tuple[str, str], ...] = (
    ("xcb-cursor", "libxcb-cursor0"),
    ("xcb-icccm", "libxcb-icccm4"),
    ("xcb-image", "libxcb-image0"),
    ("xcb-keysyms", "libxcb-keysyms1"),
    ("xcb-randr", "libxcb-randr0"),
    ("xcb-render-util", "libxcb-render-util0"),
    ("xcb-shape", "libxcb-shape0"),
    ("xcb-shm", "libxcb-shm0"),
    ("xcb-sync", "libxcb-sync1"),
    ("xcb-util", "libxcb-util1"),
    ("xcb-xfixes", "libxcb-xfixes0"),
    ("xcb-xkb", "libxcb-xkb1"),
    ("X11-xcb", "libx11-xcb1"),
    ("xkbcommon", "libxkbcommon0"),
    ("xkbcommon-x11", "libxkbcommon-x11-0"),
)


def missing_packages(find: Callable[[str], str | None] = ctypes.util.find_library) -> list[str]:
    """Debian packages of the xcb libraries that cannot be found on this machine."""
    return [package for library, package in XCB_LIBRARIES if find(library) is None]


def install_line(packages: Sequence[str]) -> str:
    return "sudo apt-get install " + " ".join(packages)


def uses_xcb(environ: dict[str, str] | None = None, platform: str = sys.platform) -> bool:
    """Whether Qt will use its xcb (X11) plugin here: Linux, not offscreen/Wayland-only."""
    env = os.environ if environ is None else environ
    if not platform.startswith("linux"):
        return False
    chosen = env.get("QT_QPA_PLATFORM", "")
    if chosen:
        return chosen.split(":")[0].split(";")[0] == "xcb"
    wayland_only = bool(env.get("WAYLAND_DISPLAY")) and not env.get("DISPLAY")
    return not wayland_only


def check(
    find: Callable[[str], str | None] = ctypes.util.find_library,
    environ: dict[str, str] | None = None,
    out: Callable[[str], object] = print,
) -> int:
    """0 when Qt's xcb plugin will find what it needs (or is not used); 1 with the fix printed."""
    if not uses_xcb(environ):
        return 0
    missing = missing_packages(find)
    if not missing:
        return 0
    out(
        _(
            "The window cannot open: Qt's xcb platform plugin needs system libraries that are "
            "missing ({packages}). Install all of them at once (as root): {command}"
        ).format(packages=", ".join(missing), command=install_line([p for _lib, p in XCB_LIBRARIES]))
    )
    return 1


def main() -> int:
    set_language("vi")
    return check(out=lambda text: print(text, file=sys.stderr))


if __name__ == "__main__":
    sys.exit(main())
