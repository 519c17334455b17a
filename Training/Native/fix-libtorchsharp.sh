#!/usr/bin/env bash
# Makes TorchSharp's libLibTorchSharp.so load on Debian 12 (libstdc++ 3.4.30): it asks for GLIBCXX_3.4.32 for one symbol,
# std::ios_base_library_init(), which only forces iostream start-up. For every copy under the given folders: an empty shim
# library defines the symbol, patchelf drops the symbol's version and adds the shim as needed, and the GLIBCXX_3.4.32
# requirement is marked weak. Idempotent (a patched copy is left alone); run by the build after every copy
# (Directory.Build.targets). Usage: fix-libtorchsharp.sh FOLDER...
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SYM=_ZSt21ios_base_library_initv

libs=()
for dir in "$@"; do
  [ -d "$dir" ] || continue
  while IFS= read -r -d '' f; do libs+=("$f"); done < <(find "$dir" -name libLibTorchSharp.so -print0)
done
[ ${#libs[@]} -gt 0 ] || exit 0

# Does this machine's libstdc++ already have GLIBCXX_3.4.32? Then nothing is needed.
if strings "$(ldconfig -p | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}')" 2>/dev/null | grep -qx GLIBCXX_3.4.32; then
  exit 0
fi
command -v patchelf >/dev/null || { echo "fix-libtorchsharp: patchelf is missing (apt-get install patchelf; ./deskvision installs it)" >&2; exit 1; }
command -v gcc >/dev/null || { echo "fix-libtorchsharp: gcc is missing (apt-get install gcc; ./deskvision installs it)" >&2; exit 1; }

# Tools built once per source change, in a cache beside the build outputs.
CACHE="${XDG_CACHE_HOME:-$HOME/.cache}/deskvision-torchfix"
mkdir -p "$CACHE"
stamp="$(cat "$HERE/iosinit-shim.c" "$HERE/weak-verneed.c" | sha256sum | cut -c1-16)"
SHIM="$CACHE/libiosinit-$stamp.so"
WEAK="$CACHE/weak-verneed-$stamp"
[ -f "$SHIM" ] || { gcc -shared -fPIC -O2 -o "$SHIM.tmp" "$HERE/iosinit-shim.c" && mv "$SHIM.tmp" "$SHIM"; }
[ -x "$WEAK" ] || { gcc -O2 -o "$WEAK.tmp" "$HERE/weak-verneed.c" && mv "$WEAK.tmp" "$WEAK"; }

for lib in "${libs[@]}"; do
  dir="$(dirname "$lib")"
  cmp -s "$SHIM" "$dir/libiosinit.so" || cp "$SHIM" "$dir/libiosinit.so"
  if patchelf --print-needed "$lib" | grep -qx libiosinit.so; then continue; fi
  # Patch a copy and rename it into place, so an interrupted build never leaves a half-patched library.
  tmp="$lib.patching"
  cp "$lib" "$tmp"
  patchelf --clear-symbol-version "$SYM" "$tmp"
  patchelf --add-needed libiosinit.so "$tmp"
  "$WEAK" "$tmp" GLIBCXX_3.4.32 || true
  mv "$tmp" "$lib"
  echo "fix-libtorchsharp: patched $lib" >&2
done
