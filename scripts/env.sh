# Sourced by the scripts in this folder: run from the repository root, with the tools that
# scripts/setup installs first on PATH (cargo's bin dir, then the npm packages' bins).
cd "$(dirname "${BASH_SOURCE[0]}")/.."
export PATH="$PWD/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
