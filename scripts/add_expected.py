"""Adds node-test names to a conformance expected-pass list, keeping its
header comment and the sorted order:

    add_expected.py LIST NAME...
"""
import sys


def main():
    path, names = sys.argv[1], sys.argv[2:]
    lines = open(path).read().splitlines()
    header = [l for l in lines if l.startswith("#")]
    tests = {l.strip() for l in lines if l.strip() and not l.startswith("#")}
    tests.update(names)
    with open(path, "w") as f:
        f.write("\n".join(header + sorted(tests)) + "\n")


if __name__ == "__main__":
    main()
