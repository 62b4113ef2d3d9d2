"""A process and all its descendants: the processes of a benchmark run, and those the
serving-fault tests expect to end with their parent."""

from __future__ import annotations

import os


def process_tree(root: int) -> list[int]:
    """``root`` and all its descendants, from the ppid of every /proc entry."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    tree, todo = [], [root]
    while todo:
        pid = todo.pop()
        tree.append(pid)
        todo.extend(children.get(pid, ()))
    return tree
