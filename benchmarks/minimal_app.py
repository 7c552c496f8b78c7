"""The yardstick for the HTTP benchmarks: the smallest FastAPI app on the same stack.

One ``POST /echo`` route with a small pydantic body, answered as JSON: what FastAPI, pydantic,
uvicorn and h11 cost per request on this machine with no work at all. ``benchmarks/http_wrk.py``
serves it with the same server code as ``spasmcheck serve`` (:func:`spasmcheck.server.serve`:
the same workers, sockets and HTTP protocol) and measures it in the same run as each route,
so a route's figure can be read as a share of what the stack itself can do.
"""

from __future__ import annotations

from fastapi import FastAPI
from pydantic import BaseModel

app = FastAPI()


class Item(BaseModel):
    name: str
    count: int
    tags: list[str] = []


@app.post("/echo")
async def echo(item: Item) -> Item:
    return item
