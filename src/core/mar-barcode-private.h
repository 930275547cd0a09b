/* mar-barcode-private.h — what the tests and the fuzzer see of a MarScan
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "mar-barcode.h"
#include "mar-gs1.h"

G_BEGIN_DECLS

/* mar_scan_parse(), with the GS1 linter verdict behind a rejection in
 * @lint (nullable; MAR_GS1_LINT_OK when the rejection was not a linter's). */
MarScan  *mar_scan_parse_with_lint (const char           *data,
                                    gssize                length,
                                    const MarScanOptions *options,
                                    MarGs1Lint           *lint,
                                    GError              **error);

/* GS1: the elements in the order scanned (MarGs1Element); NULL for plain. */
GArray   *mar_scan_get_elements    (const MarScan        *scan);

G_END_DECLS
