"""Read models of imports: what each import run read, applied and refused."""
