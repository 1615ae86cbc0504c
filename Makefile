# Two commands do all set-up on a fresh machine: `make demo` and `make test`.
.PHONY: demo test bootstrap lint bench

demo:
	bash scripts/demo.sh

test:
	bash scripts/test.sh

bootstrap:
	bash scripts/bootstrap.sh

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check pulumi_exotel
	.venv/bin/mypy

bench:
	.venv/bin/python bench/client_throughput.py
	.venv/bin/python bench/sip_verify.py
	.venv/bin/python bench/stack_scale.py
	.venv/bin/python bench/stack_scale.py --three-stacks
