/* mar-zxing-bridge.h — read barcodes in this process, with zxing-cpp
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The in-process reader: ZXing_ReadBarcodes() in our names, over zxing-cpp
 * 1.4's C++ API. zxing-cpp 1.4 can abort the whole process on some images
 * (../shared/ENVIRONMENT.md, code128-1/4.png), so only the decoder worker
 * (bedside-mar-decoder), the fuzzers and the benchmark link this; the app
 * and marctl read through MarDecoder (mar-decoder.h), which runs this in a
 * separate process.
 */

#pragma once

#include "mar-reader.h"

G_BEGIN_DECLS

/* (transfer full) — the valid symbols found, possibly none; NULL with
 * MAR_READER_ERROR_FAILED when zxing throws. @options may be NULL for the
 * defaults of mar_reader_options_new(). */
MarBarcodes *mar_read_barcodes         (const MarImageView     *view,
                                        const MarReaderOptions *options,
                                        GError                **error);

/* "zxing-cpp 1.4.0" (static). */
const char  *mar_read_barcodes_backend (void);

G_END_DECLS
