#!/usr/bin/env bash
# Debian packages the tests need (browsers, TURN server, network namespaces). Installs only what is
# missing, so `npm test` can call it on every run; needs root (or sudo) only when something is missing.
set -euo pipefail
declare -A needs=([ip]=iproute2 [unshare]=util-linux [chromium]=chromium [turnserver]=coturn [firefox-esr]=firefox-esr [unzip]=unzip)
missing=()
for cmd in "${!needs[@]}"; do
	command -v "$cmd" >/dev/null 2>&1 || missing+=("${needs[$cmd]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else
		echo "Missing Debian packages: ${missing[*]}. Install them as root: apt-get install ${missing[*]}" >&2
		exit 1
	fi
fi
echo "Installing Debian packages: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
