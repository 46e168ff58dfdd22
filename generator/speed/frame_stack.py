"""Run deep, call-heavy work without CPython 3.11 mapping and unmapping its frame stack.

CPython 3.11 keeps Python frames in a stack of 16 KiB chunks. A call that does not fit in
the current chunk maps a new one (mmap), and returning from that call unmaps it (munmap)
at once. Code whose call depth goes back and forth across a chunk boundary therefore makes
two system calls and page faults per call. WeasyPrint's layout does exactly that, and
where the boundary falls depends on how deep the stack already was when layout began:
laid out from inside our command line, the same documents make many more mmap/munmap
pairs than from a shallow stack (`strace -c -e trace=mmap,munmap` shows them; the figures
are in bench/README.md).

`call_with_room(function, argument)` calls through a frame that declares a large value
stack. The frame does not fit in the current chunk, so CPython gives it a new chunk of
1 MiB, and every frame the call makes after it fits in the rest of that chunk: no chunk
boundary is crossed until the call returns, once. The declared stack is never written, so
its pages are never touched. On a Python without chunked frame stacks it is an ordinary call.
"""

from __future__ import annotations

from typing import Callable, TypeVar

T = TypeVar("T")
A = TypeVar("A")

# Slots of 8 bytes: a 512 KiB frame, so CPython maps a 1 MiB chunk and about 512 KiB of it
# is left for the frames below (thousands of them; WeasyPrint's layout needs hundreds).
ROOM_SLOTS = 64 * 1024


def _call(function, argument):
    return function(argument)


call_with_room: Callable[[Callable[[A], T], A], T] = type(_call)(
    _call.__code__.replace(co_stacksize=ROOM_SLOTS), globals(), "call_with_room")
call_with_room.__qualname__ = "call_with_room"
call_with_room.__doc__ = "`function(argument)`, called from a frame whose stack chunk has room for it."
