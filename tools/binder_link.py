"""Print the mybinder.org link, and the badge's Markdown, for the copy of the workbook you publish.

    python3 tools/binder_link.py                  from `git remote get-url origin`
    python3 tools/binder_link.py --remote NAME    another remote
    python3 tools/binder_link.py --ref main       a branch or tag instead of HEAD

mybinder.org builds an image from a public repository that it fetches itself, so a Binder
link names one repository: the badge in the README opens the copy at the workbook's home
address, not yours. Push your copy to a public GitHub or GitLab repository (or any public
git host), then run this in your clone: it reads the remote's address and prints the link
that opens notebook 00 in JupyterLab, and a badge to paste into your README; then the same
for the Chinese edition (notebooks/zh-CN/), for README.zh-CN.md. Launch the
link once before the workshop so that mybinder.org builds and caches the image.
Standard library only: it runs without the workbook's environment.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import urllib.parse

FIRST_NOTEBOOK = "notebooks/00_setup_check.ipynb"
FIRST_CHINESE_NOTEBOOK = "notebooks/zh-CN/00_setup_check.ipynb"
BADGE = "https://mybinder.org/badge_logo.svg"


class RemoteError(ValueError):
    """A remote address that no Binder link can be made from."""


def binder_link(remote_url: str, ref: str = "HEAD", notebook: str = FIRST_NOTEBOOK) -> str:
    """The mybinder.org address that opens `notebook` of the repository at `remote_url`.

    GitHub and GitLab addresses, in their https and ssh forms, get Binder's short forms
    (gh/OWNER/REPO/REF and gl/OWNER%2FREPO/REF); any other https address gets the
    generic git/URL/REF form. The path after `urlpath=` opens JupyterLab on `notebook`.
    """
    url = remote_url.strip()
    if url.startswith(("/", ".", "file:")) or not url:
        raise RemoteError(f"{url or 'the remote'!r} is a folder on this computer; mybinder.org can only build from "
                          "a public repository on the internet. Push your copy there and add it as a remote.")
    ssh = re.fullmatch(r"(?:ssh://)?git@([^:/]+)[:/](.+?)(?:\.git)?/?", url)
    https = re.fullmatch(r"https?://(?:[^@/]+@)?([^/]+)/(.+?)(?:\.git)?/?", url)
    found = ssh or https
    if not found:
        raise RemoteError(f"{url!r} is not a git address that mybinder.org can fetch (https://... or git@host:...).")
    host, path = found.groups()
    target = f"urlpath=lab/tree/{notebook}"
    if host == "github.com" and path.count("/") == 1:
        return f"https://mybinder.org/v2/gh/{path}/{ref}?{target}"
    if host == "gitlab.com":
        return f"https://mybinder.org/v2/gl/{urllib.parse.quote(path, safe='')}/{ref}?{target}"
    if ssh:
        raise RemoteError(f"{url!r} is an ssh address on {host}; mybinder.org fetches over https. "
                          "Run again with the https address: --url https://.../repo.git")
    return f"https://mybinder.org/v2/git/{urllib.parse.quote(f'https://{host}/{path}', safe='')}/{ref}?{target}"


def badge_markdown(link: str) -> str:
    return f"[![Launch on Binder]({BADGE})]({link})"


def remote_url(name: str) -> str:
    """The address of git remote `name` of the repository this command runs in."""
    result = subprocess.run(["git", "remote", "get-url", name], capture_output=True, text=True)
    if result.returncode != 0:
        raise RemoteError(f"git has no remote {name!r} here ({result.stderr.strip() or 'not a git repository'}). "
                          "Run this inside your clone, after `git remote add origin https://github.com/YOU/REPO.git`, "
                          "or pass the address with --url.")
    return result.stdout.strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--remote", default="origin", help="the git remote to read (default: origin)")
    parser.add_argument("--url", help="the repository's public address, instead of reading a remote")
    parser.add_argument("--ref", default="HEAD", help="branch, tag or commit (default: HEAD, the default branch)")
    args = parser.parse_args()
    try:
        remote = args.url or remote_url(args.remote)
        link = binder_link(remote, args.ref)
    except RemoteError as error:
        print(error, file=sys.stderr)
        return 1
    chinese = binder_link(remote, args.ref, FIRST_CHINESE_NOTEBOOK)
    print(f"Binder link:\n  {link}\n\nBadge for your README:\n  {badge_markdown(link)}\n\n"
          f"The Chinese edition (中文版), for README.zh-CN.md:\n  {chinese}\n  {badge_markdown(chinese)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
