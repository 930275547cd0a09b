/* test-decoder.c — the isolated decoder: frames, files, samples, failures
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "mar-decoder.h"
#include "mar-label.h"
#include "scan-test-image.h"

static const char *tmp_dir;

static ScanTestImage *
symbol_image (MarSymbology  symbology,
              const char   *data,
              int           module_px)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarSymbol) symbol = mar_symbol_new (symbology, data, &error);
  cairo_surface_t *surface;
  g_autoptr(ScanTestImage) image = NULL;

  g_assert_no_error (error);
  surface = mar_symbol_render_image (symbol, module_px, 60);
  image = scan_test_image_new_from_surface (surface);
  cairo_surface_destroy (surface);
  return scan_test_image_pad (image, 24);
}

static char *
write_symbol_png (const char *name)
{
  g_autoptr(ScanTestImage) image = symbol_image (MAR_SYMBOL_GS1_DATAMATRIX,
                                                 "[01]00304090123459[17]271231[10]A12", 5);
  char *path = g_build_filename (tmp_dir, name, NULL);

  g_assert_true (scan_test_image_save_png (image, path));
  return path;
}

static MarBarcodes *
decode_path (MarDecoder  *decoder,
             const char  *path,
             GError     **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);

  return mar_decoder_decode_file (decoder, file, NULL, NULL, error);
}

static void
assert_gs1_datamatrix (MarBarcodes *barcodes)
{
  g_autofree char *scan = NULL;

  g_assert_nonnull (barcodes);
  g_assert_cmpuint (mar_barcodes_get_size (barcodes), ==, 1);
  scan = mar_barcode_dup_scan_data (mar_barcodes_get (barcodes, 0), NULL);
  g_assert_cmpstr (scan, ==, "]d2010030409012345917271231" "10A12");
}

/* Frames */

static void
test_frame_through_worker (void)
{
  g_autoptr(MarDecoder) decoder = mar_decoder_new ();
  g_autoptr(ScanTestImage) image = symbol_image (MAR_SYMBOL_GS1_DATAMATRIX,
                                                 "[01]00304090123459[17]271231[10]A12", 4);
  g_autoptr(GError) error = NULL;
  g_autoptr(MarImageView) view = mar_image_view_new (image->pixels, image->width, image->height,
                                                     MAR_IMAGE_FORMAT_LUM, 0, 0, &error);
  g_autoptr(MarBarcodes) barcodes = NULL;

  g_assert_cmpstr (mar_decoder_get_worker_path (decoder), ==, g_getenv (MAR_DECODER_WORKER_ENV));
  barcodes = mar_decoder_read_barcodes (decoder, view, NULL, NULL, &error);
  g_assert_no_error (error);
  assert_gs1_datamatrix (barcodes);
  g_assert_cmpint (mar_decoder_get_worker_pid (decoder), >, 0);
  g_assert_cmpint (mar_decoder_get_worker_pid (decoder), !=, getpid ());
}

static void
on_frame_read (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  MarBarcodes **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = mar_decoder_read_barcodes_finish (MAR_DECODER (source), result, &error);
  g_assert_no_error (error);
}

/* The async call copies the pixels: the caller's frame can go at once. */
static void
test_frame_async (void)
{
  g_autoptr(MarDecoder) decoder = mar_decoder_new ();
  g_autoptr(MarBarcodes) barcodes = NULL;
  g_autoptr(GError) error = NULL;
  ScanTestImage *image = symbol_image (MAR_SYMBOL_GS1_DATAMATRIX, "[01]00304090123459[17]271231[10]A12", 4);
  MarImageView *view = mar_image_view_new (image->pixels, image->width, image->height,
                                           MAR_IMAGE_FORMAT_LUM, 0, 0, &error);

  g_assert_no_error (error);
  mar_decoder_read_barcodes_async (decoder, view, NULL, NULL, on_frame_read, &barcodes);
  mar_image_view_free (view);
  memset (image->pixels, 0x55, (gsize) image->width * image->height);
  scan_test_image_free (image);

  while (barcodes == NULL)
    g_main_context_iteration (NULL, TRUE);
  assert_gs1_datamatrix (barcodes);
}

typedef struct
{
  MarDecoder *decoder;
  guint       ok;
} ConcurrentData;

static gpointer
decode_many (gpointer user_data)
{
  ConcurrentData *data = user_data;
  g_autoptr(ScanTestImage) image = symbol_image (MAR_SYMBOL_CODE128, "MRN0012345", 3);

  for (int i = 0; i < 10; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MarImageView) view = mar_image_view_new (image->pixels, image->width, image->height,
                                                         MAR_IMAGE_FORMAT_LUM, 0, 0, &error);
      g_autoptr(MarBarcodes) barcodes = mar_decoder_read_barcodes (data->decoder, view, NULL, NULL, &error);

      g_assert_no_error (error);
      if (mar_barcodes_get_size (barcodes) == 1 &&
          g_strcmp0 (mar_barcode_get_text (mar_barcodes_get (barcodes, 0)), "MRN0012345") == 0)
        g_atomic_int_inc (&data->ok);
    }
  return NULL;
}

/* Requests from several threads share one worker without mixing answers. */
static void
test_frame_concurrent_callers (void)
{
  g_autoptr(MarDecoder) decoder = mar_decoder_new ();
  ConcurrentData data = { decoder, 0 };
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("decode", decode_many, &data);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
  g_assert_cmpuint (data.ok, ==, 40);
}

/* Files */

static void
test_file_png (void)
{
  g_autoptr(MarDecoder) decoder = mar_decoder_new ();
  g_autofree char *path = write_symbol_png ("label.png");
  g_autoptr(GError) error = NULL;
  g_autoptr(MarBarcodes) barcodes = decode_path (decoder, path, &error);

  g_assert_no_error (error);
  assert_gs1_datamatrix (barcodes);
}

static void
test_file_default_decoder (void)
{
  g_autofree char *path = write_symbol_png ("default.png");
  g_autoptr(GError) error = NULL;
  g_autoptr(MarBarcodes) barcodes = mar_decode_file (path, NULL, &error);

  g_assert_no_error (error);
  assert_gs1_datamatrix (barcodes);
}

static void
on_file_decoded (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  MarBarcodes **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = mar_decoder_decode_file_finish (MAR_DECODER (source), result, &error);
  g_assert_no_error (error);
}

static void
test_file_async (void)
{
  g_autoptr(MarDecoder) decoder = mar_decoder_new ();
  g_autofree char *path = write_symbol_png ("async.png");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(MarBarcodes) barcodes = NULL;

  mar_decoder_decode_file_async (decoder, file, NULL, NULL, on_file_decoded, &barcodes);
  while (barcodes == NULL)
    g_main_context_iteration (NULL, TRUE);
  assert_gs1_datamatrix (barcodes);
}

/* The sample photos (zxing-cpp's test images, tests/data/shared) */

typedef struct
{
  char *image;
  char *verdict;      /* YES, NO, CRASH */
  char *symbology_identifier;
} SampleRow;

static GPtrArray *
load_sample_rows (void)
{
  const char *tsv = g_test_get_filename (G_TEST_DIST, "data", "shared", "zxing-samples",
                                         "DECODE-CHECK-libzxing-1.4.0.tsv", NULL);
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *rows = g_ptr_array_new ();

  g_file_get_contents (tsv, &contents, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = g_strsplit (lines[i], "\t", -1);
      SampleRow *row;

      if (g_strv_length (fields) < 4)
        continue;
      row = g_new0 (SampleRow, 1);
      row->image = g_strdup (fields[0]);
      row->verdict = g_strdup (fields[1]);
      row->symbology_identifier = g_strdup (fields[3]);
      g_ptr_array_add (rows, row);
    }
  return rows;
}

static void
sample_row_free (SampleRow *row)
{
  g_free (row->image);
  g_free (row->verdict);
  g_free (row->symbology_identifier);
  g_free (row);
}

static char *
sample_path (const char *image)
{
  return g_build_filename (g_test_get_dir (G_TEST_DIST), "data", "shared", "zxing-samples", image, NULL);
}

/* TRUE if one of the symbols read carries the expected content: the
 * .txt next to the image holds it raw, GS as 0x1D. */
static gboolean
sample_matches (MarBarcodes *barcodes,
                const char  *image)
{
  g_autofree char *path = sample_path (image);
  g_autofree char *base = g_strndup (path, strrchr (path, '.') - path);
  g_autofree char *txt = g_strconcat (base, ".txt", NULL);
  g_autofree char *expected = NULL;
  gsize expected_len;

  if (!g_file_get_contents (txt, &expected, &expected_len, NULL))
    return FALSE;
  for (guint i = 0; i < mar_barcodes_get_size (barcodes); i++)
    {
      MarBarcode *b = mar_barcodes_get (barcodes, i);
      gsize n;
      const guint8 *bytes = mar_barcode_get_bytes (b, &n);
      const char *text = mar_barcode_get_text (b);

      if ((n == expected_len && memcmp (bytes, expected, n) == 0) ||
          (strlen (text) == expected_len && memcmp (text, expected, expected_len) == 0))
        return TRUE;
    }
  return FALSE;
}

/* Those marked YES read to their expected text; WebP is not among the
 * formats gdk-pixbuf reads here, so those must fail clearly (their PNG
 * twins are read instead). Those marked NO are counted. */
static void
test_samples (void)
{
  g_autoptr(MarDecoder) decoder = mar_decoder_new ();
  g_autoptr(GPtrArray) rows = load_sample_rows ();
  guint yes = 0, yes_read = 0, no = 0, no_read = 0, webp = 0;

  g_ptr_array_set_free_func (rows, (GDestroyNotify) sample_row_free);
  g_assert_cmpuint (rows->len, >=, 30);

  for (guint i = 0; i < rows->len; i++)
    {
      SampleRow *row = g_ptr_array_index (rows, i);
      g_autofree char *path = sample_path (row->image);
      g_autoptr(GError) error = NULL;
      g_autoptr(MarBarcodes) barcodes = NULL;

      if (g_str_equal (row->verdict, "CRASH"))
        continue;       /* test_samples_crash_case_reads */

      barcodes = decode_path (decoder, path, &error);
      if (g_str_has_suffix (row->image, ".webp"))
        {
          g_assert_error (error, MAR_READER_ERROR, MAR_READER_ERROR_NOT_AN_IMAGE);
          webp++;
          continue;
        }
      g_assert_no_error (error);

      if (g_str_equal (row->verdict, "YES"))
        {
          yes++;
          if (!sample_matches (barcodes, row->image))
            g_error ("sample %s did not read to its expected text", row->image);
          yes_read++;
          if (*row->symbology_identifier != '\0')
            g_assert_cmpstr (mar_barcode_get_symbology_identifier (mar_barcodes_get (barcodes, 0)), ==,
                             row->symbology_identifier);
        }
      else
        {
          no++;
          if (sample_matches (barcodes, row->image))
            no_read++;
        }
    }

  g_test_message ("zxing samples: %u of %u marked YES read to their text; "
                  "%u of %u known hard cases (NO) read; %u WebP files refused clearly",
                  yes_read, yes, no_read, no, webp);
  g_assert_cmpuint (yes_read, ==, yes);
}

/* zxing 1.4 aborts its process on this one (an assertion when it merges
 * the results of its downscaled layers). The bridge builds the layers
 * itself and no longer trips it: it now reads. */
static void
test_samples_crash_case_reads (void)
{
  g_autoptr(MarDecoder) decoder = mar_decoder_new ();
  g_autofree char *crash = sample_path ("code128-1/4.png");
  g_autoptr(GError) error = NULL;
  g_autoptr(MarBarcodes) barcodes = decode_path (decoder, crash, &error);

  g_assert_no_error (error);
  g_assert_true (sample_matches (barcodes, "code128-1/4.png"));
}

/* A worker that dies mid-image (as zxing 1.4 does on its assertion): the
 * app sees an error for that image only, a new worker is started at
 * once, and the next image reads. */
static void
test_worker_crash_is_contained (void)
{
  g_autoptr(MarDecoder) decoder = mar_decoder_new_for_worker (g_getenv ("SCAN_TEST_CRASH_DECODER"));
  g_autofree char *good = sample_path ("code128-1/1.png");
  g_autoptr(GBytes) poison = g_bytes_new_static ("CRASH-TEST and then some image bytes", 36);
  g_autoptr(GError) error = NULL;
  g_autoptr(MarBarcodes) barcodes = NULL;
  g_autoptr(MarBarcodes) next = NULL;
  GPid before, after;

  g_assert_true (mar_decoder_start (decoder, NULL));
  before = mar_decoder_get_worker_pid (decoder);

  barcodes = mar_decoder_decode_image_bytes (decoder, poison, NULL, NULL, &error);
  g_assert_null (barcodes);
  g_assert_error (error, MAR_DECODER_ERROR, MAR_DECODER_ERROR_WORKER_STOPPED);
  g_assert_cmpstr (error->message, ==, "The barcode decoder stopped on this image; it has been restarted.");

  /* Restarted at once, as the message says. */
  after = mar_decoder_get_worker_pid (decoder);
  g_assert_cmpint (after, >, 0);
  g_assert_cmpint (after, !=, before);

  g_clear_error (&error);
  next = decode_path (decoder, good, &error);
  g_assert_no_error (error);
  g_assert_true (sample_matches (next, "code128-1/1.png"));
}

/* Malformed images */

static guint32
crc32_update (guint32       crc,
              const guint8 *data,
              gsize         length)
{
  crc = ~crc;
  for (gsize i = 0; i < length; i++)
    {
      crc ^= data[i];
      for (int k = 0; k < 8; k++)
        crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
    }
  return ~crc;
}

static void
png_chunk (GByteArray   *out,
           const char   *type,
           const guint8 *data,
           guint32       length)
{
  guint8 be[4] = { length >> 24, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff };
  guint32 crc;

  g_byte_array_append (out, be, 4);
  g_byte_array_append (out, (const guint8 *) type, 4);
  if (length > 0)
    g_byte_array_append (out, data, length);
  crc = crc32_update (0, (const guint8 *) type, 4);
  crc = crc32_update (crc, data, length);
  be[0] = crc >> 24, be[1] = (crc >> 16) & 0xff, be[2] = (crc >> 8) & 0xff, be[3] = crc & 0xff;
  g_byte_array_append (out, be, 4);
}

/* A PNG whose header claims @width × @height, with a token IDAT: a
 * decompression bomb's first bytes. CRCs are right, so only the size can
 * stop it. */
static char *
write_png_with_size (const char *name,
                     guint32     width,
                     guint32     height)
{
  static const guint8 signature[] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
  static const guint8 idat[] = { 0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01 };
  guint8 ihdr[13] = { width >> 24, (width >> 16) & 0xff, (width >> 8) & 0xff, width & 0xff,
                      height >> 24, (height >> 16) & 0xff, (height >> 8) & 0xff, height & 0xff,
                      8, 0, 0, 0, 0 };
  g_autoptr(GByteArray) png = g_byte_array_new ();
  char *path = g_build_filename (tmp_dir, name, NULL);

  g_byte_array_append (png, signature, sizeof signature);
  png_chunk (png, "IHDR", ihdr, sizeof ihdr);
  png_chunk (png, "IDAT", idat, sizeof idat);
  png_chunk (png, "IEND", NULL, 0);
  g_assert_true (g_file_set_contents (path, (const char *) png->data, png->len, NULL));
  return path;
}

static void
assert_reader_error (MarDecoder     *decoder,
                     const char     *path,
                     MarReaderError  code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarBarcodes) barcodes = NULL;
  GPid pid = mar_decoder_get_worker_pid (decoder);

  barcodes = decode_path (decoder, path, &error);
  g_assert_null (barcodes);
  g_assert_error (error, MAR_READER_ERROR, (gint) code);
  g_assert_cmpstr (error->message, !=, "");
  /* Refused cleanly: the worker did not die over it. */
  if (pid != 0)
    g_assert_cmpint (mar_decoder_get_worker_pid (decoder), ==, pid);
}

static void
test_malformed_truncated_png (void)
{
  g_autoptr(MarDecoder) decoder = mar_decoder_new ();
  g_autofree char *good = write_symbol_png ("whole.png");
  g_autofree char *contents = NULL;
  gsize length;
  const gsize cuts[] = { 9, 30, 60, 100, 0 };

  g_assert_true (g_file_get_contents (good, &contents, &length, NULL));
  g_assert_true (mar_decoder_start (decoder, NULL));
  for (guint i = 0; i < G_N_ELEMENTS (cuts); i++)
    {
      g_autofree char *path = g_build_filename (tmp_dir, "truncated.png", NULL);
      gsize cut = cuts[i] ? cuts[i] : length * 2 / 3;

      g_assert_true (g_file_set_contents (path, contents, (gssize) cut, NULL));
      assert_reader_error (decoder, path, MAR_READER_ERROR_DAMAGED);
    }
}

static void
test_malformed_zero_size_png (void)
{
  g_autoptr(MarDecoder) decoder = mar_decoder_new ();
  g_autofree char *path = write_png_with_size ("zero.png", 0, 0);

  g_assert_true (mar_decoder_start (decoder, NULL));
  assert_reader_error (decoder, path, MAR_READER_ERROR_DAMAGED);
}

/* Refused from the header, before the pixels are allocated: 100000 ×
 * 100000 would be 40 GB of RGBA. */
static void
test_malformed_huge_dimensions (void)
{
  g_autoptr(MarDecoder) decoder = mar_decoder_new ();
  g_autofree char *huge = write_png_with_size ("huge.png", 100000, 100000);
  g_autofree char *wide = write_png_with_size ("wide.png", 8000, 8000);
  g_autoptr(GError) error = NULL;
  g_autoptr(MarBarcodes) barcodes = NULL;

  g_assert_true (mar_decoder_start (decoder, NULL));
  assert_reader_error (decoder, huge, MAR_READER_ERROR_TOO_LARGE);
  assert_reader_error (decoder, wide, MAR_READER_ERROR_TOO_LARGE);

  barcodes = decode_path (decoder, huge, &error);
  g_assert_nonnull (strstr (error->message, "100000 × 100000"));
}

static void
test_malformed_text_named_png (void)
{
  g_autoptr(MarDecoder) decoder = mar_decoder_new ();
  g_autofree char *path = g_build_filename (tmp_dir, "notes.png", NULL);

  g_assert_true (g_file_set_contents (path, "Patient notes: not an image at all.\n", -1, NULL));
  g_assert_true (mar_decoder_start (decoder, NULL));
  assert_reader_error (decoder, path, MAR_READER_ERROR_NOT_AN_IMAGE);
}

static void
test_malformed_empty_file (void)
{
  g_autoptr(MarDecoder) decoder = mar_decoder_new ();
  g_autofree char *path = g_build_filename (tmp_dir, "empty.png", NULL);

  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  assert_reader_error (decoder, path, MAR_READER_ERROR_NOT_AN_IMAGE);
}

static void
test_malformed_missing_file (void)
{
  g_autoptr(MarDecoder) decoder = mar_decoder_new ();
  g_autofree char *path = g_build_filename (tmp_dir, "does-not-exist.png", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(MarBarcodes) barcodes = decode_path (decoder, path, &error);

  g_assert_null (barcodes);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
}

/* A file bigger than any label photo is refused without reading it all
 * into the worker. */
static void
test_malformed_file_too_large (void)
{
  g_autoptr(MarDecoder) decoder = mar_decoder_new ();
  g_autofree char *path = g_build_filename (tmp_dir, "big.png", NULL);
  FILE *f = fopen (path, "wb");

  g_assert_nonnull (f);
  g_assert_cmpint (ftruncate (fileno (f), MAR_READER_MAX_FILE_SIZE + 1), ==, 0);
  fclose (f);
  assert_reader_error (decoder, path, MAR_READER_ERROR_TOO_LARGE);
  g_assert_cmpint (mar_decoder_get_worker_pid (decoder), ==, 0);
}

/* Valid PNG framing, corrupt compressed data. */
static void
test_malformed_corrupt_png_data (void)
{
  g_autoptr(MarDecoder) decoder = mar_decoder_new ();
  g_autofree char *good = write_symbol_png ("to-corrupt.png");
  g_autofree char *contents = NULL;
  g_autofree char *path = g_build_filename (tmp_dir, "corrupt.png", NULL);
  gsize length;

  g_assert_true (g_file_get_contents (good, &contents, &length, NULL));
  for (gsize i = 80; i < length - 20; i += 7)
    contents[i] ^= 0x5a;
  g_assert_true (g_file_set_contents (path, contents, (gssize) length, NULL));
  g_assert_true (mar_decoder_start (decoder, NULL));
  assert_reader_error (decoder, path, MAR_READER_ERROR_DAMAGED);
}

/* A JPEG header followed by noise. */
static void
test_malformed_wrong_format_inside (void)
{
  g_autoptr(MarDecoder) decoder = mar_decoder_new ();
  g_autofree char *path = g_build_filename (tmp_dir, "fake.jpg", NULL);
  guint8 data[600];
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  g_autoptr(GError) error = NULL;
  g_autoptr(MarBarcodes) barcodes = NULL;

  for (guint i = 0; i < sizeof data; i++)
    data[i] = (guint8) g_rand_int_range (rand, 0, 256);
  data[0] = 0xff, data[1] = 0xd8, data[2] = 0xff, data[3] = 0xe0;
  g_assert_true (g_file_set_contents (path, (const char *) data, sizeof data, NULL));
  barcodes = decode_path (decoder, path, &error);
  g_assert_null (barcodes);
  g_assert_true (error->domain == MAR_READER_ERROR || error->domain == MAR_DECODER_ERROR);
  /* Whatever happened, the next image reads. */
  g_clear_error (&error);
  {
    g_autofree char *good = write_symbol_png ("after-fake.png");
    g_autoptr(MarBarcodes) next = decode_path (decoder, good, &error);

    g_assert_no_error (error);
    assert_gs1_datamatrix (next);
  }
}

/* The worker process */

typedef struct
{
  GPid  pid;
  guint delay_ms;
} KillData;

static gpointer
kill_later (gpointer user_data)
{
  KillData *data = user_data;

  g_usleep (data->delay_ms * 1000);
  kill (data->pid, SIGKILL);
  return NULL;
}

static MarImageView *
small_frame (guint8 *pixels)
{
  memset (pixels, 0xff, 64 * 64);
  return mar_image_view_new (pixels, 64, 64, MAR_IMAGE_FORMAT_LUM, 0, 0, NULL);
}

/* Killed while decoding: this frame fails at once (not after the
 * timeout) and a new worker is running. */
static void
test_worker_killed_mid_decode (void)
{
  g_autoptr(MarDecoder) decoder = mar_decoder_new_for_worker (g_getenv ("SCAN_TEST_STALL_DECODER"));
  g_autoptr(GError) error = NULL;
  g_autoptr(MarBarcodes) barcodes = NULL;
  guint8 pixels[64 * 64];
  g_autoptr(MarImageView) view = small_frame (pixels);
  KillData data;
  GThread *killer;
  gint64 start;

  mar_decoder_set_timeout (decoder, 30000);
  g_assert_true (mar_decoder_start (decoder, NULL));
  data.pid = mar_decoder_get_worker_pid (decoder);
  data.delay_ms = 200;
  killer = g_thread_new ("killer", kill_later, &data);

  start = g_get_monotonic_time ();
  barcodes = mar_decoder_read_barcodes (decoder, view, NULL, NULL, &error);
  g_thread_join (killer);
  g_assert_null (barcodes);
  g_assert_error (error, MAR_DECODER_ERROR, MAR_DECODER_ERROR_WORKER_STOPPED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);
  g_assert_cmpint (mar_decoder_get_worker_pid (decoder), >, 0);
  g_assert_cmpint (mar_decoder_get_worker_pid (decoder), !=, data.pid);
}

/* A hung worker: the frame times out, the worker is replaced. */
static void
test_worker_hang_times_out (void)
{
  g_autoptr(MarDecoder) decoder = mar_decoder_new_for_worker (g_getenv ("SCAN_TEST_STALL_DECODER"));
  g_autoptr(GError) error = NULL;
  g_autoptr(MarBarcodes) barcodes = NULL;
  guint8 pixels[64 * 64];
  g_autoptr(MarImageView) view = small_frame (pixels);
  GPid before;

  mar_decoder_set_timeout (decoder, 300);
  g_assert_true (mar_decoder_start (decoder, NULL));
  before = mar_decoder_get_worker_pid (decoder);

  barcodes = mar_decoder_read_barcodes (decoder, view, NULL, NULL, &error);
  g_assert_null (barcodes);
  g_assert_error (error, MAR_DECODER_ERROR, MAR_DECODER_ERROR_TIMEOUT);
  g_assert_cmpint (mar_decoder_get_worker_pid (decoder), !=, before);
  g_assert_cmpint (mar_decoder_get_worker_pid (decoder), >, 0);
}

/* Killed between images: nobody's image was involved, so the next one
 * simply reads (on a new worker). */
static void
test_worker_killed_while_idle (void)
{
  g_autoptr(MarDecoder) decoder = mar_decoder_new ();
  g_autoptr(ScanTestImage) image = symbol_image (MAR_SYMBOL_QR, "RX-2026-000042", 4);
  g_autoptr(GError) error = NULL;
  g_autoptr(MarImageView) view = mar_image_view_new (image->pixels, image->width, image->height,
                                                     MAR_IMAGE_FORMAT_LUM, 0, 0, &error);
  g_autoptr(MarBarcodes) first = NULL;
  g_autoptr(MarBarcodes) second = NULL;
  GPid pid;

  first = mar_decoder_read_barcodes (decoder, view, NULL, NULL, &error);
  g_assert_no_error (error);
  pid = mar_decoder_get_worker_pid (decoder);
  kill (pid, SIGKILL);
  g_usleep (100 * 1000);

  second = mar_decoder_read_barcodes (decoder, view, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (mar_barcodes_get_size (second), ==, 1);
  g_assert_cmpint (mar_decoder_get_worker_pid (decoder), !=, pid);
}

static void
test_worker_unavailable (void)
{
  g_autoptr(MarDecoder) decoder = mar_decoder_new_for_worker ("/nonexistent/bedside-mar-decoder");
  g_autoptr(GError) error = NULL;
  guint8 pixels[64 * 64];
  g_autoptr(MarImageView) view = small_frame (pixels);
  g_autoptr(MarBarcodes) barcodes = mar_decoder_read_barcodes (decoder, view, NULL, NULL, &error);

  g_assert_null (barcodes);
  g_assert_error (error, MAR_DECODER_ERROR, MAR_DECODER_ERROR_UNAVAILABLE);
}

/* A worker that answers garbage is a protocol failure, not a crash of
 * the app. */
static void
test_worker_garbage_answer (void)
{
  g_autofree char *script = g_build_filename (tmp_dir, "garbage-decoder.sh", NULL);
  g_autoptr(MarDecoder) decoder = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MarBarcodes) barcodes = NULL;
  guint8 pixels[64 * 64];
  g_autoptr(MarImageView) view = small_frame (pixels);

  g_assert_true (g_file_set_contents (script,
                                      "#!/bin/sh\n"
                                      "head -c 16 <&3 >/dev/null\n"
                                      "printf 'MDEC this is not a valid answer at all' >&3\n"
                                      "exec sleep 30\n", -1, NULL));
  g_assert_cmpint (g_chmod (script, 0755), ==, 0);
  decoder = mar_decoder_new_for_worker (script);
  mar_decoder_set_timeout (decoder, 5000);

  barcodes = mar_decoder_read_barcodes (decoder, view, NULL, NULL, &error);
  g_assert_null (barcodes);
  g_assert_error (error, MAR_DECODER_ERROR, MAR_DECODER_ERROR_PROTOCOL);
}

static gboolean
cancel_soon (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

static void
on_cancelled_read (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GError **out = user_data;
  g_autoptr(MarBarcodes) barcodes = mar_decoder_read_barcodes_finish (MAR_DECODER (source), result, out);

  g_assert_null (barcodes);
}

static void
test_worker_cancelled (void)
{
  g_autoptr(MarDecoder) decoder = mar_decoder_new_for_worker (g_getenv ("SCAN_TEST_STALL_DECODER"));
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  GError *error = NULL;
  guint8 pixels[64 * 64];
  g_autoptr(MarImageView) view = small_frame (pixels);

  mar_decoder_set_timeout (decoder, 30000);
  mar_decoder_read_barcodes_async (decoder, view, NULL, cancellable, on_cancelled_read, &error);
  g_timeout_add (200, cancel_soon, cancellable);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  dir = g_dir_make_tmp ("test-decoder-XXXXXX", NULL);
  tmp_dir = dir;

  g_test_add_func ("/scan/decoder/frame/through-worker", test_frame_through_worker);
  g_test_add_func ("/scan/decoder/frame/async", test_frame_async);
  g_test_add_func ("/scan/decoder/frame/concurrent-callers", test_frame_concurrent_callers);
  g_test_add_func ("/scan/decoder/file/png", test_file_png);
  g_test_add_func ("/scan/decoder/file/default-decoder", test_file_default_decoder);
  g_test_add_func ("/scan/decoder/file/async", test_file_async);
  g_test_add_func ("/scan/decoder/samples/decode-check", test_samples);
  g_test_add_func ("/scan/decoder/samples/crash-case-reads", test_samples_crash_case_reads);
  g_test_add_func ("/scan/decoder/worker/crash-is-contained", test_worker_crash_is_contained);
  g_test_add_func ("/scan/decoder/malformed/truncated-png", test_malformed_truncated_png);
  g_test_add_func ("/scan/decoder/malformed/zero-size-png", test_malformed_zero_size_png);
  g_test_add_func ("/scan/decoder/malformed/huge-dimensions", test_malformed_huge_dimensions);
  g_test_add_func ("/scan/decoder/malformed/text-file-named-png", test_malformed_text_named_png);
  g_test_add_func ("/scan/decoder/malformed/empty-file", test_malformed_empty_file);
  g_test_add_func ("/scan/decoder/malformed/missing-file", test_malformed_missing_file);
  g_test_add_func ("/scan/decoder/malformed/file-too-large", test_malformed_file_too_large);
  g_test_add_func ("/scan/decoder/malformed/corrupt-png-data", test_malformed_corrupt_png_data);
  g_test_add_func ("/scan/decoder/malformed/wrong-format-inside", test_malformed_wrong_format_inside);
  g_test_add_func ("/scan/decoder/worker/killed-mid-decode", test_worker_killed_mid_decode);
  g_test_add_func ("/scan/decoder/worker/hang-times-out", test_worker_hang_times_out);
  g_test_add_func ("/scan/decoder/worker/killed-while-idle", test_worker_killed_while_idle);
  g_test_add_func ("/scan/decoder/worker/unavailable", test_worker_unavailable);
  g_test_add_func ("/scan/decoder/worker/garbage-answer", test_worker_garbage_answer);
  g_test_add_func ("/scan/decoder/worker/cancelled", test_worker_cancelled);

  ret = g_test_run ();

  {
    g_autoptr(GFile) root = g_file_new_for_path (dir);
    g_autoptr(GFileEnumerator) e = g_file_enumerate_children (root, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                                              G_FILE_QUERY_INFO_NONE, NULL, NULL);
    GFileInfo *info;

    while (e != NULL && (info = g_file_enumerator_next_file (e, NULL, NULL)) != NULL)
      {
        g_autofree char *child = g_build_filename (dir, g_file_info_get_name (info), NULL);

        g_unlink (child);
        g_object_unref (info);
      }
    g_rmdir (dir);
  }
  return ret;
}
