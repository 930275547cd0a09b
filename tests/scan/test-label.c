/* test-label.c — symbols, labels and label sheets
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "mar-label.h"

static const char *tmp_dir;

/* A GS1 label with a wrong check digit must not print (GS1 General
 * Specifications 7.9: a GTIN's check digit is part of it). */
static void
test_symbol_gs1_check_digit_rejected (void)
{
  GError *error = NULL;
  MarSymbol *symbol = mar_symbol_new (MAR_SYMBOL_GS1_DATAMATRIX, "[01]00304090123453[17]271231", &error);

  g_assert_null (symbol);
  g_assert_error (error, MAR_LABEL_ERROR, MAR_LABEL_ERROR_INVALID_DATA);
  g_assert_nonnull (strstr (error->message, "checksum"));
  g_clear_error (&error);
}

static void
test_symbol_gs1_impossible_date_rejected (void)
{
  GError *error = NULL;

  g_assert_null (mar_symbol_new (MAR_SYMBOL_GS1_128, "[01]00304090123459[17]271331", &error));
  g_assert_error (error, MAR_LABEL_ERROR, MAR_LABEL_ERROR_INVALID_DATA);
  g_clear_error (&error);
}

static void
test_symbol_gs1_unknown_ai_rejected (void)
{
  GError *error = NULL;

  g_assert_null (mar_symbol_new (MAR_SYMBOL_GS1_DATAMATRIX, "[99999]ABC", &error));
  g_assert_error (error, MAR_LABEL_ERROR, MAR_LABEL_ERROR_INVALID_DATA);
  g_clear_error (&error);
}

static void
test_symbol_empty_rejected (void)
{
  GError *error = NULL;

  g_assert_null (mar_symbol_new (MAR_SYMBOL_CODE128, "", &error));
  g_assert_error (error, MAR_LABEL_ERROR, MAR_LABEL_ERROR_INVALID_DATA);
  g_clear_error (&error);
}

static void
test_symbol_too_long (void)
{
  g_autofree char *data = g_strnfill (8000, '7');
  GError *error = NULL;

  g_assert_null (mar_symbol_new (MAR_SYMBOL_QR, data, &error));
  g_assert_error (error, MAR_LABEL_ERROR, MAR_LABEL_ERROR_TOO_LONG);
  g_clear_error (&error);
}

/* GS1 GenSpecs 4.15: the human-readable interpretation shows each AI in
 * parentheses. */
static void
test_symbol_human_readable (void)
{
  g_autoptr(MarSymbol) dm = mar_symbol_new (MAR_SYMBOL_GS1_DATAMATRIX,
                                            "[01]00304090123459[17]271231[10]A12[21]S1", NULL);
  g_autoptr(MarSymbol) code = mar_symbol_new (MAR_SYMBOL_CODE128, "MRN0012345", NULL);
  g_autoptr(MarSymbol) ean = mar_symbol_new (MAR_SYMBOL_EAN13, "400638133393", NULL);

  g_assert_cmpstr (mar_symbol_get_text (dm), ==, "(01)00304090123459(17)271231(10)A12(21)S1");
  g_assert_cmpstr (mar_symbol_get_data (dm), ==, "[01]00304090123459[17]271231[10]A12[21]S1");
  g_assert_cmpstr (mar_symbol_get_text (code), ==, "MRN0012345");
  g_assert_cmpstr (mar_symbol_get_text (ean), ==, "4006381333931");
  g_assert_false (mar_symbol_is_linear (dm));
  g_assert_true (mar_symbol_is_linear (code));
}

static void
test_symbol_geometry (void)
{
  g_autoptr(MarSymbol) dm = mar_symbol_new (MAR_SYMBOL_GS1_DATAMATRIX, "[01]00304090123459", NULL);
  g_autoptr(MarSymbol) code = mar_symbol_new (MAR_SYMBOL_CODE128, "MRN0012345", NULL);
  double w, h;
  cairo_surface_t *surface;

  /* Square ECC 200 only, with a 2-module quiet zone on each side. */
  mar_symbol_get_modules (dm, &w, &h);
  g_assert_cmpfloat (w, ==, h);
  g_assert_cmpfloat (w, ==, 16 + 4);

  /* Code 128: 11 modules a character, 13 for the stop pattern, 10X quiet
   * zones (ISO/IEC 15417): start, 10 data characters in code C/B mix... */
  mar_symbol_get_modules (code, &w, &h);
  g_assert_cmpfloat (h, ==, 0);
  g_assert_cmpfloat (w, >, 20 + 11 * 5);

  surface = mar_symbol_render_image (dm, 3, 0);
  g_assert_cmpint (cairo_image_surface_get_width (surface), ==, 60);
  g_assert_cmpint (cairo_image_surface_get_height (surface), ==, 60);
  cairo_surface_destroy (surface);
}

static MarLabel *
demo_wristband (void)
{
  MarLabel *label = mar_label_new (MAR_LABEL_WRISTBAND, "NÚÑEZ GARCÍA, María");

  mar_label_add_line (label, "MRN 0012345 · born 1950-04-12");
  g_assert_true (mar_label_add_symbol (label, MAR_SYMBOL_CODE128, "MRN0012345", NULL));
  g_assert_true (mar_label_add_symbol (label, MAR_SYMBOL_GS1_DATAMATRIX, "[8018]806141410000000421", NULL));
  return label;
}

static MarLabel *
demo_bag (int n)
{
  g_autofree char *title = g_strdup_printf ("Bag %d: 0.9%% Sodium Chloride 1000 mL", n);
  g_autofree char *data = g_strdup_printf ("[01]00809080001040[17]270630[10]W1234X[21]B%05d", n);
  MarLabel *label = mar_label_new (MAR_LABEL_IV_BAG, title);

  mar_label_add_line (label, "LOT W1234X · EXP 2027-06-30");
  g_assert_true (mar_label_add_symbol (label, MAR_SYMBOL_GS1_DATAMATRIX, data, NULL));
  return label;
}

static void
test_label_bad_symbol_fails_early (void)
{
  g_autoptr(MarLabel) label = mar_label_new (MAR_LABEL_IV_BAG, "Bad");
  GError *error = NULL;

  g_assert_false (mar_label_add_symbol (label, MAR_SYMBOL_GS1_DATAMATRIX, "[01]12345", &error));
  g_assert_error (error, MAR_LABEL_ERROR, MAR_LABEL_ERROR_INVALID_DATA);
  g_assert_cmpuint (mar_label_get_n_symbols (label), ==, 0);
  g_clear_error (&error);
}

static void
test_label_sizes (void)
{
  g_autoptr(MarLabel) band = demo_wristband ();
  g_autoptr(MarLabel) bag = demo_bag (1);
  g_autoptr(MarLabel) badge = mar_label_new (MAR_LABEL_STAFF_BADGE, "Alex Rivera, RN");
  double w, h;

  mar_label_get_size (band, &w, &h);
  g_assert_cmpfloat_with_epsilon (w, 190 * 72 / 25.4, 0.01);
  mar_label_get_size (bag, &w, &h);
  g_assert_cmpfloat_with_epsilon (w, 90 * 72 / 25.4, 0.01);
  /* An ID-1 card, ISO/IEC 7810. */
  mar_label_get_size (badge, &w, &h);
  g_assert_cmpfloat_with_epsilon (w, 85.6 * 72 / 25.4, 0.01);
  g_assert_cmpfloat_with_epsilon (h, 54 * 72 / 25.4, 0.01);
}

/* Drawn on a white ground, the label leaves something dark where the
 * symbols are and does not draw outside its own size. */
static void
test_label_renders (void)
{
  g_autoptr(MarLabel) band = demo_wristband ();
  cairo_surface_t *surface = mar_label_render_image (band, 4);
  int w = cairo_image_surface_get_width (surface), h = cairo_image_surface_get_height (surface);
  int stride = cairo_image_surface_get_stride (surface);
  const guint8 *data = cairo_image_surface_get_data (surface);
  guint dark = 0;

  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  g_assert_cmpint (w, ==, 760);
  g_assert_cmpint (h, ==, 100);
  for (int y = 0; y < h; y++)
    for (int x = 0; x < w; x++)
      dark += (data[(gsize) y * stride + (gsize) x * 4 + 1] < 64);
  g_assert_cmpuint (dark, >, (guint) (w * h / 20));
  cairo_surface_destroy (surface);
}

/* A PDF holds binary streams with NULs: search bytes, not strings. */
static const char *
find_bytes (const char *haystack,
            gsize       length,
            const char *needle)
{
  gsize n = strlen (needle);

  for (gsize i = 0; i + n <= length; i++)
    if (memcmp (haystack + i, needle, n) == 0)
      return haystack + i;
  return NULL;
}

static guint
count_pdf_pages (const char *pdf,
                 gsize       length)
{
  guint pages = 0;
  const char *p = pdf;

  /* Page objects are "/Type /Page" not followed by "s". */
  while ((p = find_bytes (p, length - (p - pdf), "/Type /Page")) != NULL)
    {
      p += strlen ("/Type /Page");
      if (*p != 's')
        pages++;
    }
  return pages;
}

static void
test_sheet_pages (void)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_label_free);
  g_autofree char *path = g_build_filename (tmp_dir, "sheet.pdf", NULL);
  g_autofree char *pdf = NULL;
  g_autoptr(GError) error = NULL;
  gsize length;
  guint pages;

  g_ptr_array_add (labels, demo_wristband ());
  for (int i = 0; i < 10; i++)
    g_ptr_array_add (labels, demo_bag (i));

  /* A4: the band, then four rows of two 90 × 60 mm labels. */
  pages = mar_label_sheet_count_pages (labels, MAR_PAPER_A4);
  g_assert_cmpuint (pages, ==, 2);
  g_assert_true (mar_label_sheet_write_pdf (labels, MAR_PAPER_A4, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &pdf, &length, NULL));
  g_assert_true (g_str_has_prefix (pdf, "%PDF-"));
  g_assert_cmpuint (count_pdf_pages (pdf, length), ==, pages);
  /* A4 in points, ISO 216. */
  g_assert_nonnull (find_bytes (pdf, length, "/MediaBox [ 0 0 595.275591 841.889764 ]"));
}

static void
test_sheet_letter (void)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_label_free);
  g_autoptr(GOutputStream) stream = g_memory_output_stream_new_resizable ();
  g_autoptr(GError) error = NULL;
  const char *pdf;
  gsize length;

  g_ptr_array_add (labels, demo_bag (1));
  g_assert_true (mar_label_sheet_write_pdf_to_stream (labels, MAR_PAPER_LETTER, stream, NULL, &error));
  g_assert_no_error (error);
  g_output_stream_close (stream, NULL, NULL);
  pdf = g_memory_output_stream_get_data (G_MEMORY_OUTPUT_STREAM (stream));
  length = g_memory_output_stream_get_data_size (G_MEMORY_OUTPUT_STREAM (stream));
  g_assert_cmpuint (count_pdf_pages (pdf, length), ==, 1);
  g_assert_nonnull (find_bytes (pdf, length, "/MediaBox [ 0 0 612 792 ]"));
}

/* The human-readable text is real text in the PDF (searchable, and read
 * by screen readers), checked with pdftotext where poppler-utils is. */
static void
test_sheet_text (void)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_label_free);
  g_autofree char *path = g_build_filename (tmp_dir, "text.pdf", NULL);
  g_autofree char *pdftotext = g_find_program_in_path ("pdftotext");
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  const char *argv[] = { NULL, "-layout", NULL, "-", NULL };

  if (pdftotext == NULL)
    {
      g_test_skip ("pdftotext (poppler-utils) is not installed");
      return;
    }

  g_ptr_array_add (labels, demo_wristband ());
  g_ptr_array_add (labels, demo_bag (7));
  g_assert_true (mar_label_sheet_write_pdf (labels, MAR_PAPER_A4, path, &error));
  argv[0] = pdftotext;
  argv[2] = path;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                               &out, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (out, "NÚÑEZ GARCÍA, María"));
  g_assert_nonnull (strstr (out, "MRN0012345"));
  g_assert_nonnull (strstr (out, "(8018)806141410000000421"));
  g_assert_nonnull (strstr (out, "(01)00809080001040"));
  g_assert_nonnull (strstr (out, "(21)B00007"));
  g_assert_nonnull (strstr (out, "not for patient use"));
  g_assert_nonnull (strstr (out, "page 1 of 1"));
}

static void
test_sheet_write_error (void)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_label_free);
  GError *error = NULL;

  g_ptr_array_add (labels, demo_bag (1));
  g_assert_false (mar_label_sheet_write_pdf (labels, MAR_PAPER_A4, "/nonexistent-dir/labels.pdf", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
}

/* A long name is shortened, never drawn across a symbol. */
static void
test_label_long_text_fits (void)
{
  g_autoptr(MarLabel) label = mar_label_new (MAR_LABEL_PHARMACY_BAG,
                                             "Piperacillin 4 g and tazobactam 0.5 g in 100 mL sodium chloride 0.9% "
                                             "for a patient with a very long name indeed");
  cairo_surface_t *surface;

  for (int i = 0; i < 12; i++)
    mar_label_add_line (label, "A line of instructions that goes on and on beyond the width of the label");
  g_assert_true (mar_label_add_symbol (label, MAR_SYMBOL_CODE128, "RX-2026-000042", NULL));
  surface = mar_label_render_image (label, 6);
  g_assert_cmpint (cairo_surface_status (surface), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *dir = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  dir = g_dir_make_tmp ("test-label-XXXXXX", NULL);
  tmp_dir = dir;

  g_test_add_func ("/scan/label/symbol/gs1-check-digit-rejected", test_symbol_gs1_check_digit_rejected);
  g_test_add_func ("/scan/label/symbol/gs1-impossible-date-rejected", test_symbol_gs1_impossible_date_rejected);
  g_test_add_func ("/scan/label/symbol/gs1-unknown-ai-rejected", test_symbol_gs1_unknown_ai_rejected);
  g_test_add_func ("/scan/label/symbol/empty-rejected", test_symbol_empty_rejected);
  g_test_add_func ("/scan/label/symbol/too-long", test_symbol_too_long);
  g_test_add_func ("/scan/label/symbol/human-readable", test_symbol_human_readable);
  g_test_add_func ("/scan/label/symbol/geometry", test_symbol_geometry);
  g_test_add_func ("/scan/label/bad-symbol-fails-early", test_label_bad_symbol_fails_early);
  g_test_add_func ("/scan/label/sizes", test_label_sizes);
  g_test_add_func ("/scan/label/renders", test_label_renders);
  g_test_add_func ("/scan/label/long-text-fits", test_label_long_text_fits);
  g_test_add_func ("/scan/label/sheet/pages", test_sheet_pages);
  g_test_add_func ("/scan/label/sheet/letter", test_sheet_letter);
  g_test_add_func ("/scan/label/sheet/text", test_sheet_text);
  g_test_add_func ("/scan/label/sheet/write-error", test_sheet_write_error);

  ret = g_test_run ();

  {
    const char *names[] = { "sheet.pdf", "text.pdf" };

    for (guint i = 0; i < G_N_ELEMENTS (names); i++)
      {
        g_autofree char *p = g_build_filename (dir, names[i], NULL);

        g_unlink (p);
      }
    g_rmdir (dir);
  }
  return ret;
}
