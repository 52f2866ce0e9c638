"""The text edits of scripts/split-wasm.sh, one subcommand each.

loader SOURCE TARGET OLD=NEW...  writes wasm-split-cli's loader with each fetched
    file renamed OLD -> NEW and fetched with its integrity hash, and with a fallback
    from `instantiateStreaming`, which a static host that sends `.wasm` as anything
    but application/wasm breaks (wasm-bindgen's own loader falls back to bytes
    there); a 404 fails as one.
preload HTML GLUE LOADER  adds a modulepreload link with an integrity hash for the
    loader beside the glue's, so it is fetched early and checked.
integrity HTML FILE...  puts each file's current hash in the integrity attribute of
    the index.html link that names it (Trunk hashed the files it wrote; these are new).
"""

import base64
import hashlib
import re
import sys


def sri(path):
    """The file's subresource-integrity value."""
    with open(path, "rb") as f:
        return "sha384-" + base64.b64encode(hashlib.sha384(f.read()).digest()).decode()


def loader(source, target, *renames):
    with open(source, encoding="utf-8") as f:
        js = f.read()
    for rename in renames:
        old, new = rename.split("=", 1)
        fetch = f'fetch(new URL("./{old}", import.meta.url))'
        if js.count(fetch) != 1:
            sys.exit(f"error: the split loader does not fetch ./{old} once")
        js = js.replace(fetch, f'fetch(new URL("./{new}", import.meta.url), {{ integrity: "{sri(new)}" }})')
    streaming = "WebAssembly.instantiateStreaming(src, imports)"
    if streaming not in js:
        sys.exit("error: the split loader's instantiation is not where split-wasm.py expects it")
    js = js.replace(streaming, "instantiateFetched(src, imports)")
    js += """
async function instantiateFetched(fetched, imports) {
    const response = await fetched;
    if (!response.ok) throw new Error(`${response.url}: ${response.status}`);
    if (response.headers.get("Content-Type") === "application/wasm") {
        return WebAssembly.instantiateStreaming(response, imports);
    }
    return WebAssembly.instantiate(await response.arrayBuffer(), imports);
}
"""
    with open(target, "w", encoding="utf-8") as f:
        f.write(js)


def link_to(html, name):
    """The index.html `<link>` tag whose href is `./name`, or None."""
    tag = re.search(r"<link\b[^>]*\bhref=\"?\./" + re.escape(name) + r"\"?[^>]*>", html)
    return tag.group(0) if tag else None


def preload(html_path, glue, loader_js):
    with open(html_path, encoding="utf-8") as f:
        html = f.read()
    tag = link_to(html, glue)
    if not tag:
        sys.exit(f"error: index.html has no link for {glue}")
    link = f'<link rel="modulepreload" href="./{loader_js}" crossorigin integrity="{sri(loader_js)}">'
    html = html.replace(tag, tag + link, 1)
    with open(html_path, "w", encoding="utf-8") as f:
        f.write(html)


def integrity(html_path, *files):
    with open(html_path, encoding="utf-8") as f:
        html = f.read()
    for name in files:
        tag = link_to(html, name)
        if not tag or "integrity=" not in tag:
            sys.exit(f"error: index.html has no link with an integrity for {name}")
        new = re.sub(r"integrity=\"?sha384-[A-Za-z0-9+/=]+\"?", f'integrity="{sri(name)}"', tag)
        html = html.replace(tag, new)
    with open(html_path, "w", encoding="utf-8") as f:
        f.write(html)


if __name__ == "__main__":
    commands = {"loader": loader, "preload": preload, "integrity": integrity}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(f"usage: split-wasm.py {{{'|'.join(commands)}}} ARGS...")
    commands[sys.argv[1]](*sys.argv[2:])
