/* mar-decoder.h — read barcodes from frames and image files, isolated
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * zxing-cpp 1.4 aborts the whole process on some images (an assertion in
 * Result::operator==, ../shared/ENVIRONMENT.md), and image loaders have a
 * long history of crashing on malicious files. A bedside terminal must not
 * go down because of a photo, so a MarDecoder reads every frame and every
 * image file in a worker process (bedside-mar-decoder) and talks to it over
 * a socket (mar-decoder-protocol.h). If the worker dies or takes longer than
 * the timeout, that one image fails with MAR_DECODER_ERROR_WORKER_STOPPED or
 * _TIMEOUT ("... it has been restarted"), a new worker is started at once,
 * and the next image works.
 *
 * The worker is found through $BEDSIDE_MAR_DECODER (tests, `meson devenv`)
 * or at its installed path in libexecdir.
 *
 * Thread safety: a MarDecoder may be used from any thread; requests to one
 * worker are serialised. The _async variants run in a GTask thread, so
 * callers on the main thread never block on decoding.
 */

#pragma once

#include <gio/gio.h>

#include "mar-reader.h"

G_BEGIN_DECLS

#define MAR_DECODER_ERROR (mar_decoder_error_quark ())

/* What went wrong with the decoder process itself. Problems with the image
 * are MAR_READER_ERROR; a file that cannot be opened is G_IO_ERROR. */
typedef enum
{
  MAR_DECODER_ERROR_WORKER_STOPPED,   /* the worker died on this image; restarted */
  MAR_DECODER_ERROR_TIMEOUT,          /* the worker took too long on this image; restarted */
  MAR_DECODER_ERROR_UNAVAILABLE,      /* the worker cannot be started */
  MAR_DECODER_ERROR_PROTOCOL,         /* the worker answered something malformed; restarted */
} MarDecoderError;

/* Installed name of the worker, in $libexecdir/bedside-mar/. */
#define MAR_DECODER_WORKER_NAME   "bedside-mar-decoder"
/* Environment variable that overrides the worker's path. */
#define MAR_DECODER_WORKER_ENV    "BEDSIDE_MAR_DECODER"
/* Generous for a 40-megapixel photo on a slow terminal; a camera sets its
 * own, shorter one. */
#define MAR_DECODER_DEFAULT_TIMEOUT_MS 10000

#define MAR_TYPE_DECODER (mar_decoder_get_type ())
G_DECLARE_FINAL_TYPE (MarDecoder, mar_decoder, MAR, DECODER, GObject)

GQuark        mar_decoder_error_quark          (void);

/* The worker from $BEDSIDE_MAR_DECODER, else the installed one. The worker
 * is started on first use. */
MarDecoder   *mar_decoder_new                  (void);
MarDecoder   *mar_decoder_new_for_worker       (const char           *worker_path);
/* One shared decoder for the process (transfer none; thread-safe). */
MarDecoder   *mar_decoder_get_default          (void);

const char   *mar_decoder_get_worker_path      (MarDecoder           *self);
guint         mar_decoder_get_timeout          (MarDecoder           *self);
void          mar_decoder_set_timeout          (MarDecoder           *self,
                                                guint                 timeout_ms);
/* The worker's process id, or 0 if none is running (diagnostics, tests). */
GPid          mar_decoder_get_worker_pid       (MarDecoder           *self);
/* Starts the worker now rather than on first use, so the first scan is
 * not slowed by the start-up. */
gboolean      mar_decoder_start                (MarDecoder           *self,
                                                GError              **error);
/* Stops the worker; the next request starts a new one. */
void          mar_decoder_stop                 (MarDecoder           *self);

/* (transfer full) The symbols in a frame, possibly none. The view is read
 * before this returns. @options may be NULL for the defaults. */
MarBarcodes  *mar_decoder_read_barcodes        (MarDecoder             *self,
                                                const MarImageView     *view,
                                                const MarReaderOptions *options,
                                                GCancellable           *cancellable,
                                                GError                **error);
/* The pixels are copied before this returns; the view may go at once. */
void          mar_decoder_read_barcodes_async  (MarDecoder             *self,
                                                const MarImageView     *view,
                                                const MarReaderOptions *options,
                                                GCancellable           *cancellable,
                                                GAsyncReadyCallback     callback,
                                                gpointer                user_data);
MarBarcodes  *mar_decoder_read_barcodes_finish (MarDecoder             *self,
                                                GAsyncResult           *result,
                                                GError                **error);

/* (transfer full) The symbols in an image file (PNG, JPEG and whatever
 * gdk-pixbuf reads), decoded from the file's bytes in the worker: the app
 * never parses the image itself. Files above MAR_READER_MAX_FILE_SIZE and
 * images above MAR_READER_MAX_PIXELS are refused with MAR_READER_ERROR_TOO_LARGE.
 * With @options NULL, the defaults plus thorough (a photo may show a label
 * at any angle, anywhere in the picture). */
MarBarcodes  *mar_decoder_decode_file          (MarDecoder             *self,
                                                GFile                  *file,
                                                const MarReaderOptions *options,
                                                GCancellable           *cancellable,
                                                GError                **error);
void          mar_decoder_decode_file_async    (MarDecoder             *self,
                                                GFile                  *file,
                                                const MarReaderOptions *options,
                                                GCancellable           *cancellable,
                                                GAsyncReadyCallback     callback,
                                                gpointer                user_data);
MarBarcodes  *mar_decoder_decode_file_finish   (MarDecoder             *self,
                                                GAsyncResult           *result,
                                                GError                **error);
/* The same for an image already in memory (drag and drop, clipboard). */
MarBarcodes  *mar_decoder_decode_image_bytes   (MarDecoder             *self,
                                                GBytes                 *bytes,
                                                const MarReaderOptions *options,
                                                GCancellable           *cancellable,
                                                GError                **error);

/* mar_decoder_decode_file() on the default decoder, for a path. */
MarBarcodes  *mar_decode_file                  (const char             *path,
                                                const MarReaderOptions *options,
                                                GError                **error);

G_END_DECLS
