"""Which machine a compiled extension (.so) was built for, read from its ELF header, and Lambda's name for it.

The header: the magic \\x7fELF, the class (2: 64-bit), the byte order (1: little-endian), then at offset 18 the
two-byte e_machine (System V ABI; elf.h: EM_X86_64 62, EM_AARCH64 183)."""
import zipfile

MACHINES = {62: "x86_64", 183: "arm64"}  # e_machine → Lambda's architecture name


def architecture(header: bytes) -> str:
    """Lambda's name for the machine an ELF header is for; a ValueError for anything else."""
    if header[:4] != b"\x7fELF" or header[4] != 2 or header[5] != 1:
        raise ValueError(f"not a 64-bit little-endian ELF: {header[:6]!r}")
    machine = int.from_bytes(header[18:20], "little")
    if machine not in MACHINES:
        raise ValueError(f"an ELF for machine {machine}, which Lambda does not run")
    return MACHINES[machine]


def extensions(zipped) -> dict[str, str]:
    """Each .so in a zip, and the architecture it was built for."""
    with zipfile.ZipFile(zipped) as z:
        return {name: architecture(z.read(name)[:20]) for name in z.namelist() if name.endswith(".so")}
