"""generator.speed.frame_stack: deep call work that goes back and forth across CPython's frame-stack
chunk boundaries must not map and unmap a chunk on every crossing (see the module's
docstring). Page faults are the measure: each chunk mapped afresh faults its pages in."""

from __future__ import annotations

import resource
import sys

import pytest

from generator.speed.frame_stack import ROOM_SLOTS, call_with_room


def _down(depth: int) -> int:
    return 0 if depth == 0 else 1 + _down(depth - 1)


def _down_and_up(times: int, depth: int = 400) -> int:
    # 400 frames is more than one 16 KiB chunk holds, so every descent crosses a boundary
    return sum(_down(depth) for _ in range(times))


def _page_faults(function) -> int:
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    function()
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before


def test_it_is_an_ordinary_call():
    assert call_with_room(sorted, [3, 1, 2]) == [1, 2, 3]
    with pytest.raises(ZeroDivisionError):
        call_with_room(lambda x: 1 / x, 0)
    assert call_with_room.__code__.co_stacksize == ROOM_SLOTS


def test_recursing_inside_it_maps_no_new_chunks():
    _down_and_up(5)                                     # warm: any first-use faults happen here
    plain = _page_faults(lambda: _down_and_up(2000))
    roomy = _page_faults(lambda: call_with_room(_down_and_up, 2000))
    # From an ordinary frame, each of the 2,000 descents maps a chunk and faults its pages in
    # (16,000 faults here); from the roomy frame, the whole descent fits in its one chunk.
    assert plain >= 2000, f"the test's own premise failed: {plain} faults for 2,000 crossings"
    assert roomy < 200, f"{roomy} page faults inside call_with_room (from an ordinary frame: {plain})"


def test_pdf_layout_runs_inside_it():
    """Every document a PDF worker (or a -j 1 build) lays out is called through it."""
    from generator.render import paper_worker

    def caller_code(_argument):
        return sys._getframe(1).f_code

    status, code = paper_worker.task("k", caller_code, None)
    assert status == "ok" and code is call_with_room.__code__
