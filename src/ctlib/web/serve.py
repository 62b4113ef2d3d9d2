"""Running the app under gunicorn, the production WSGI server."""

from __future__ import annotations

from gunicorn.app.base import BaseApplication

from ..config import Config


class Server(BaseApplication):
    def __init__(self, config: Config, host: str, port: int, workers: int, access_log: bool):
        self.config_ = config
        self.options = {"bind": f"{host}:{port}", "workers": workers,
                        "accesslog": "-" if access_log else None,
                        "worker_class": "gthread",
                        # a thread waits out each SPARQL query (up to the timeout): enough
                        # of them that long queries never hold up page requests
                        "threads": 4 + 2 * config.sparql_processes, "timeout": 60,
                        # no header a client sends may change the paths the app sees
                        # (SCRIPT_NAME would reach links in cached pages): URIs come from
                        # CTLIB_BASE_URI, so nothing forwarded is needed
                        "forwarder_headers": "",
                        # one control socket per user otherwise, shared by every server
                        "control_socket_disable": True,
                        # SPARQL queries come in URLs: gunicorn's most, not its 4 KiB default
                        "limit_request_line": 8190}
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):
        from . import create_app
        app = create_app(self.config_)
        app.extensions["ctlib"].query_pool.start()  # ready before the first query comes
        return app


def serve(config: Config, host: str, port: int, workers: int, access_log: bool = False) -> None:
    Server(config, host, port, workers, access_log).run()
