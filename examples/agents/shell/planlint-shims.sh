#!/bin/sh
# planlint PATH shims: every terraform/tofu/terragrunt call from any script, Makefile or agent shell goes
# through `planlint guard`, which runs read-only commands untouched and judges everything else.
#
# Install (once, by the operator):
#   sh examples/agents/shell/planlint-shims.sh ~/.local/planlint-shims
#   export PATH="$HOME/.local/planlint-shims:$PATH"      # in the profile the agent's shell reads
#
# Each shim calls guard with the REAL binary's absolute path, found now, so guard never re-enters a shim.
set -eu
dir="${1:?usage: planlint-shims.sh DIR}"
mkdir -p "$dir"
for tool in terraform tofu terragrunt; do
  real="$(PATH=$(printf '%s' "$PATH" | tr ':' '\n' | grep -vxF "$dir" | paste -sd: -) command -v "$tool" || true)"
  [ -n "$real" ] || continue
  cat > "$dir/$tool" <<SHIM
#!/bin/sh
exec planlint guard -- "$real" "\$@"
SHIM
  chmod 0755 "$dir/$tool"
  echo "shim: $dir/$tool -> planlint guard -- $real"
done

# Or, for an interactive bash/zsh session only, shell functions (add to ~/.bashrc / ~/.zshrc):
#   terraform()  { planlint guard -- "$(type -P terraform)" "$@"; }
#   tofu()       { planlint guard -- "$(type -P tofu)" "$@"; }
#   terragrunt() { planlint guard -- "$(type -P terragrunt)" "$@"; }
