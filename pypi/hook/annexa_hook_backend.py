"""The build backend of the package pre-commit installs for annexa's hooks.

pre-commit installs a `language: python` hook with `pip install .` at the root of the hook
repository. annexa's root is a Rust crate, and building it there would take minutes; this
backend (PEP 517, named by the root's pyproject.toml) instead builds a wheel with no files, only
metadata: a dependency on `annexa` at the version in Cargo.toml. pip then installs annexa's
prebuilt wheel from the package index (or from `--find-links`). It imports nothing outside the
standard library, so the build needs no download.
"""

import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile

NAME = "annexa-pre-commit-hook"
DIST = NAME.replace("-", "_")
SUMMARY = "Installs annexa for its pre-commit hooks (a dependency on the annexa wheel)"


def _version():
    """The crate's version (Cargo.toml, [package]) in the form Python packages write it."""
    # PEP 517 runs the hooks in the root of the source tree.
    with open("Cargo.toml", encoding="utf-8") as f:
        text = f.read()
    package = re.search(r"(?ms)^\[package\][ \t]*$(.*?)(?=^\[|\Z)", text)
    found = package and re.search(r'(?m)^version\s*=\s*"([^"]+)"', package.group(1))
    if not found:
        raise RuntimeError("Cargo.toml: no `version` in [package]")
    cargo = found.group(1)
    # 1.2.3, 1.2.3-alpha.1, -beta.2, -rc.3 (as maturin names the wheel's version).
    m = re.fullmatch(r"(\d+\.\d+\.\d+)(?:-(alpha|beta|rc)\.?(\d+))?", cargo)
    if not m:
        raise RuntimeError(f"Cargo.toml: cannot turn version {cargo!r} into a Python version")
    release, pre, number = m.groups()
    return release + ({"alpha": "a", "beta": "b", "rc": "rc"}[pre] + number if pre else "")


def _metadata(version):
    return (
        "Metadata-Version: 2.1\n"
        f"Name: {NAME}\n"
        f"Version: {version}\n"
        f"Summary: {SUMMARY}\n"
        "License: Apache-2.0\n"
        f"Requires-Dist: annexa=={version}\n"
    )


def _dist_info(version):
    """The files of the wheel's .dist-info directory, without RECORD."""
    wheel = (
        "Wheel-Version: 1.0\n"
        "Generator: annexa_hook_backend\n"
        "Root-Is-Purelib: true\n"
        "Tag: py3-none-any\n"
    )
    return {"METADATA": _metadata(version), "WHEEL": wheel}


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    version = _version()
    name = f"{DIST}-{version}.dist-info"
    os.makedirs(os.path.join(metadata_directory, name), exist_ok=True)
    for file, text in _dist_info(version).items():
        with open(os.path.join(metadata_directory, name, file), "w", encoding="utf-8") as f:
            f.write(text)
    return name


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    version = _version()
    info = f"{DIST}-{version}.dist-info"
    files = {f"{info}/{file}": text.encode() for file, text in _dist_info(version).items()}
    record = []
    for path, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        record.append(f"{path},sha256={digest},{len(data)}")
    record.append(f"{info}/RECORD,,")
    files[f"{info}/RECORD"] = ("\n".join(record) + "\n").encode()
    wheel = f"{DIST}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, wheel), "w", zipfile.ZIP_DEFLATED) as z:
        for path, data in files.items():
            z.writestr(zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0)), data)
    return wheel


def build_sdist(sdist_directory, config_settings=None):
    version = _version()
    base = f"{DIST}-{version}"
    sdist = f"{base}.tar.gz"
    members = {"PKG-INFO": _metadata(version).encode()}
    for path in ("pyproject.toml", "Cargo.toml", "pypi/hook/annexa_hook_backend.py"):
        with open(path, "rb") as f:
            members[path] = f.read()
    with tarfile.open(os.path.join(sdist_directory, sdist), "w:gz", format=tarfile.PAX_FORMAT) as t:
        for path, data in members.items():
            member = tarfile.TarInfo(f"{base}/{path}")
            member.size = len(data)
            member.mode = 0o644
            t.addfile(member, io.BytesIO(data))
    return sdist
