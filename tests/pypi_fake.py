"""A fake PyPI for tests: a JSON API and a file host, each a real HTTP server on 127.0.0.1.

`FakePypi.publish` builds the archive (an sdist as .tar.gz or .zip, or a wheel) from files
the test gives, with a PKG-INFO/METADATA carrying the long description, and lists it in
the project's JSON like PyPI does. A third server, `rogue`, stands for a host nobody
named: tests check it is never asked for anything.
"""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
import threading
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answer = tuple[int, dict[str, str], bytes]


@dataclass
class Server:
    """One HTTP server: fixed routes, scripted one-off answers, and a log of paths asked."""

    name: str
    routes: dict[str, Callable[[], Answer]] = field(default_factory=dict)
    # One-off answers, tried first: each answers some paths (None for others) and is then gone.
    scripted: list[Callable[[str], Answer | None]] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    httpd: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.httpd is not None
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def answer(self, path: str) -> Answer:
        self.requests.append(path)
        for i, script in enumerate(self.scripted):
            scripted = script(path)
            if scripted is not None:  # a script is used up once it answers
                del self.scripted[i]
                return scripted
        route = self.routes.get(path)
        if route is None:
            return 404, {"Content-Type": "application/json"}, b'{"message": "Not Found"}'
        return route()

    def start(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                status, headers, body = server.answer(self.path)
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                if "Content-Length" not in headers:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()


def pkg_info(name: str, version: str, description: str, content_type: str, urls: dict) -> str:
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    lines += [f"Project-URL: {label}, {url}" for label, url in urls.items()]
    if content_type:
        lines.append(f"Description-Content-Type: {content_type}")
    return "\n".join(lines) + "\n\n" + description


def build_sdist(top: str, files: dict[str, str | bytes], *, fmt: str = "tar.gz") -> bytes:
    """An sdist whose files sit under `top/`, as .tar.gz or .zip."""
    buffer = io.BytesIO()
    entries = {f"{top}/{name}": data for name, data in files.items()}
    if fmt == "zip":
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in entries.items():
                archive.writestr(name, data)
        return buffer.getvalue()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in entries.items():
            raw = data.encode() if isinstance(data, str) else data
            info = tarfile.TarInfo(name)
            info.size = len(raw)
            tar.addfile(info, io.BytesIO(raw))
    return buffer.getvalue()


def build_wheel(files: dict[str, str | bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


class FakePypi:
    """Publish releases, then point DOCSHELF_PYPI_INDEX at `index_url`."""

    def __init__(self) -> None:
        self.index = Server("index")
        self.files = Server("files")
        self.rogue = Server("rogue")
        self.projects: dict[str, dict[str, Any]] = {}
        self.release_documents = True  # serve /NAME/VERSION/json, as pypi.org does
        self.list_releases = True  # put `releases` in /NAME/json, as pypi.org does today

    def __enter__(self) -> FakePypi:
        for server in (self.index, self.files, self.rogue):
            server.start()
        return self

    def __exit__(self, *exc: object) -> None:
        for server in (self.index, self.files, self.rogue):
            server.stop()

    @property
    def index_url(self) -> str:
        return f"{self.index.url}/pypi"

    def publish(
        self,
        name: str,
        version: str,
        files: dict[str, str | bytes] | None = None,
        *,
        kind: str = "sdist",  # "sdist", "sdist-zip", "wheel" or "exe" (a file docshelf skips)
        description: str = "",
        content_type: str = "text/markdown",
        project_urls: dict[str, str] | None = None,
        yanked: bool = False,
        sha256: str | None = None,
        host: str = "files",  # which server holds the file: files, index or rogue
        archive: bytes | None = None,
        relative: bool = False,  # list the file URL relative to the JSON, as some mirrors do
        listed_name: str | None = None,  # the file name the JSON gives, if not the real one
    ) -> str:
        """Add a release; returns its file's URL."""
        urls = project_urls or {}
        meta = pkg_info(name, version, description, content_type, urls)
        top = f"{name.replace('-', '_')}-{version}"
        if archive is not None:
            data, filename, packagetype = archive, f"{top}.tar.gz", "sdist"
        elif kind == "exe":
            data, filename, packagetype = b"MZ", f"{top}.win32.exe", "bdist_wininst"
        elif kind == "wheel":
            dist_info = {f"{top}.dist-info/METADATA": meta, f"{top}.dist-info/RECORD": ""}
            data = build_wheel({**(files or {}), **dist_info})
            filename, packagetype = f"{top}-py3-none-any.whl", "bdist_wheel"
        else:
            fmt = "zip" if kind == "sdist-zip" else "tar.gz"
            data = build_sdist(top, {"PKG-INFO": meta, **(files or {})}, fmt=fmt)
            filename, packagetype = f"{top}.{fmt}", "sdist"
        server = {"files": self.files, "index": self.index, "rogue": self.rogue}[host]
        path = f"/packages/{filename}"
        server.routes[path] = lambda: (200, {"Content-Type": "application/octet-stream"}, data)
        file_url = f"{server.url}{path}"
        entry = {
            "filename": listed_name or filename,
            "url": f"../..{path}" if relative else file_url,
            "digests": {"sha256": sha256 or hashlib.sha256(data).hexdigest()},
            "packagetype": packagetype,
            "size": len(data),
            "yanked": yanked,
        }
        info = {
            "name": name,
            "version": version,
            "description": description,
            "description_content_type": content_type,
            "project_urls": urls or None,
            "home_page": "",
            "summary": f"{name} summary",
        }
        project = self.projects.setdefault(name, {"releases": {}, "infos": {}})
        project["releases"].setdefault(version, []).append(entry)
        project["infos"][version] = info
        self._route(name)
        return file_url

    def _route(self, name: str) -> None:
        key = name.lower().replace("_", "-").replace(".", "-")
        project = self.projects[name]

        def newest() -> str:
            from packaging.version import Version

            return str(max(project["releases"], key=Version))

        def document() -> Answer:
            body: dict[str, Any] = {"info": project["infos"][newest()]}
            if self.list_releases:
                body["releases"] = project["releases"]
            else:
                body["urls"] = project["releases"][newest()]
            return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()

        self.index.routes[f"/pypi/{key}/json"] = document
        for version in project["releases"]:

            def release(version: str = version) -> Answer:
                if not self.release_documents:
                    return 404, {}, b"{}"
                body = {"info": project["infos"][version], "urls": project["releases"][version]}
                return 200, {"Content-Type": "application/json"}, json.dumps(body).encode()

            self.index.routes[f"/pypi/{key}/{version}/json"] = release

    def downloads(self) -> list[str]:
        servers = (self.index, self.files, self.rogue)
        return [p for s in servers for p in s.requests if "/packages/" in p]
