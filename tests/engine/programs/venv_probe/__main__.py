"""Exports what the language host gave this program: its virtualenv activation."""

import os
import sys

import pulumi

pulumi.export("virtual_env", os.environ.get("VIRTUAL_ENV"))
pulumi.export("path_head", os.environ.get("PATH", "").split(os.pathsep)[0])
pulumi.export("prefix", sys.prefix)
