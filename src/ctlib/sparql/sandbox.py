"""Taking the network away from a process, for good: a seccomp filter that makes
``socket()`` fail for IPv4 and IPv6 (and ``io_uring_setup``, which could open one).

Query evaluation runs in such processes: whatever a query says (SERVICE, a future
feature of the engine), it cannot reach another host. Unix sockets and the pipes
the process was started with keep working. Linux on x86_64 and aarch64.
"""

from __future__ import annotations

import ctypes
import errno
import platform
import socket
import struct

PR_SET_NO_NEW_PRIVS, PR_SET_SECCOMP, SECCOMP_MODE_FILTER = 38, 22, 2
SECCOMP_RET_ALLOW, SECCOMP_RET_ERRNO = 0x7FFF0000, 0x00050000
BPF_LD_W_ABS, BPF_JEQ_K, BPF_RET_K = 0x20, 0x15, 0x06
OFFSET_NR, OFFSET_ARCH, OFFSET_ARG0 = 0, 4, 16  # struct seccomp_data, little-endian

# machine -> (AUDIT_ARCH_*, socket syscall number, io_uring_setup syscall number)
ARCHITECTURES = {
    "x86_64": (0xC000003E, 41, 425),
    "aarch64": (0xC00000B7, 198, 425),
}


class SandboxUnavailable(RuntimeError):
    pass


def _program(arch: int, nr_socket: int, nr_io_uring: int) -> list[tuple[int, int, int, int]]:
    deny = SECCOMP_RET_ERRNO | errno.EACCES
    return [
        (BPF_LD_W_ABS, 0, 0, OFFSET_ARCH),
        (BPF_JEQ_K, 0, 7, arch),                  # another ABI: allow (jump to 9)
        (BPF_LD_W_ABS, 0, 0, OFFSET_NR),
        (BPF_JEQ_K, 5, 0, nr_io_uring),           # -> deny (10)
        (BPF_JEQ_K, 0, 4, nr_socket),             # not socket(): allow (9)
        (BPF_LD_W_ABS, 0, 0, OFFSET_ARG0),
        (BPF_JEQ_K, 3, 0, socket.AF_INET),        # -> deny
        (BPF_JEQ_K, 2, 0, socket.AF_INET6),       # -> deny
        (BPF_JEQ_K, 1, 0, socket.AF_PACKET),      # -> deny
        (BPF_RET_K, 0, 0, SECCOMP_RET_ALLOW),
        (BPF_RET_K, 0, 0, deny),
    ]


def forbid_network() -> None:
    """From now on this process (and its children) cannot open an IP socket."""
    try:
        arch, nr_socket, nr_io_uring = ARCHITECTURES[platform.machine()]
    except KeyError:
        raise SandboxUnavailable(f"no seccomp filter for {platform.machine()}") from None
    program = _program(arch, nr_socket, nr_io_uring)
    filters = b"".join(struct.pack("HBBI", *instruction) for instruction in program)
    buffer = ctypes.create_string_buffer(filters)
    fprog = struct.pack("HL", len(program), ctypes.addressof(buffer))  # struct sock_fprog
    fprog_buffer = ctypes.create_string_buffer(fprog)
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int] + [ctypes.c_ulong] * 4  # a pointer is passed
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 or \
            libc.prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, ctypes.addressof(fprog_buffer),
                       0, 0) != 0:
        raise SandboxUnavailable(f"seccomp refused: {errno.errorcode.get(ctypes.get_errno())}")
