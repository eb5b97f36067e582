#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Make sure the host packages a target needs are there: see host-deps.sh
# (as root, missing ones are installed and named; NO_INSTALL=1 only checks).
#
# Usage: install-deps.sh <package>...

set -euo pipefail

. "$(dirname "$0")/host-deps.sh"
host_deps "$@"
