/* test-roundtrip.c — every printed label decodes back to its payload
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each label kind is rendered by mar-label, distorted the way a webcam or
 * a phone sees it (turned through the full circle, scaled 50–200 %,
 * blurred, noisy, dim, seen at an angle), and read back through the
 * decoder worker. Every symbol on the label must come back with exactly
 * the payload printed.
 */

#include "config.h"

#include <string.h>

#include "mar-decoder.h"
#include "mar-label.h"
#include "scan-test-image.h"

/* 12 pixels per millimetre (305 dpi): a good webcam at label distance. */
#define BASE_PX_PER_MM 12.0

static MarDecoder *decoder;
static guint n_cases, n_passed;

/* The GS1 mod-10 check digit (GS1 General Specifications 7.9.1). */
static char
gs1_check_digit (const char *digits)
{
  int sum = 0, n = (int) strlen (digits);

  for (int i = 0; i < n; i++)
    sum += (digits[n - 1 - i] - '0') * (i % 2 == 0 ? 3 : 1);
  return (char) ('0' + (10 - sum % 10) % 10);
}

static char *
with_check_digit (const char *digits)
{
  return g_strdup_printf ("%s%c", digits, gs1_check_digit (digits));
}

/* "[01]…[10]…[21]…" -> "01…10…<GS>21…": an independent reading of the
 * pre-defined-length rule (GS1 General Specifications 7.8.5). */
static char *
element_string (const char *bracketed)
{
  g_autoptr(GString) out = g_string_new (NULL);
  const char *p = bracketed;

  while (*p == '[')
    {
      const char *close = strchr (p, ']');
      const char *next = strchr (close, '[');
      g_autofree char *ai = g_strndup (p + 1, close - p - 1);
      int two = atoi (ai) / (strlen (ai) == 2 ? 1 : strlen (ai) == 3 ? 10 : 100);
      gboolean fixed = two <= 4 || (two >= 11 && two <= 20) || (two >= 31 && two <= 36) || two == 41;

      g_string_append (out, ai);
      g_string_append_len (out, close + 1, next ? next - close - 1 : (gssize) strlen (close + 1));
      if (next != NULL && !fixed)
        g_string_append_c (out, 0x1d);
      p = next ? next : close + strlen (close);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* What the decoder must return for a symbol: AIM identifier + data. */
static char *
expected_scan_data (const MarSymbol *symbol)
{
  const char *data = mar_symbol_get_data (symbol);
  g_autofree char *es = NULL;

  switch (mar_symbol_get_symbology (symbol))
    {
    case MAR_SYMBOL_GS1_DATAMATRIX:
      es = element_string (data);
      return g_strconcat ("]d2", es, NULL);
    case MAR_SYMBOL_GS1_128:
      es = element_string (data);
      return g_strconcat ("]C1", es, NULL);
    case MAR_SYMBOL_GS1_QR:
      es = element_string (data);
      return g_strconcat ("]Q3", es, NULL);
    case MAR_SYMBOL_CODE128:
      return g_strconcat ("]C0", data, NULL);
    case MAR_SYMBOL_QR:
      return g_strconcat ("]Q1", data, NULL);
    case MAR_SYMBOL_DATAMATRIX:
      return g_strconcat ("]d1", data, NULL);
    default:
      g_assert_not_reached ();
    }
}

/* The labels, as the demo ward prints them */

static MarLabel *
build_wristband (void)
{
  MarLabel *label = mar_label_new (MAR_LABEL_WRISTBAND, "NÚÑEZ GARCÍA, María");
  g_autofree char *gsrn = with_check_digit ("80614141000000042");
  g_autofree char *data = g_strdup_printf ("[8018]%s", gsrn);

  mar_label_add_line (label, "MRN 0012345 · born 1950-04-12 · F");
  mar_label_add_line (label, "Ward 4B · bed 12");
  g_assert_true (mar_label_add_symbol (label, MAR_SYMBOL_CODE128, "MRN0012345", NULL));
  g_assert_true (mar_label_add_symbol (label, MAR_SYMBOL_GS1_DATAMATRIX, data, NULL));
  return label;
}

static MarLabel *
build_iv_bag (void)
{
  MarLabel *label = mar_label_new (MAR_LABEL_IV_BAG, "0.9% Sodium Chloride Injection USP");

  mar_label_add_line (label, "1000 mL · Baxter");
  mar_label_add_line (label, "GTIN 00809080001040 · LOT W1234X · EXP 2027-06-30");
  g_assert_true (mar_label_add_symbol (label, MAR_SYMBOL_GS1_DATAMATRIX,
                                       "[01]00809080001040[17]270630[10]W1234X[21]B00017", NULL));
  return label;
}

static MarLabel *
build_pharmacy_bag (void)
{
  MarLabel *label = mar_label_new (MAR_LABEL_PHARMACY_BAG, "Vancomycin 1 g in 250 mL NaCl 0.9%");

  mar_label_add_line (label, "For: NÚÑEZ GARCÍA, María · MRN 0012345");
  mar_label_add_line (label, "Infuse over 2 h at 125 mL/h · BUD 2026-03-09 18:00");
  mar_label_add_line (label, "Pharmacist: JRP");
  g_assert_true (mar_label_add_symbol (label, MAR_SYMBOL_CODE128, "RX-2026-000042", NULL));
  return label;
}

static MarLabel *
build_staff_badge (void)
{
  MarLabel *label = mar_label_new (MAR_LABEL_STAFF_BADGE, "Alex Rivera, RN");

  mar_label_add_line (label, "Registered nurse · Ward 4B");
  g_assert_true (mar_label_add_symbol (label, MAR_SYMBOL_QR, "STAFF-RN-0042", NULL));
  return label;
}

/* A GS1-128 on an IV bag (some manufacturers print it beside the
 * DataMatrix). */
static MarLabel *
build_iv_bag_gs1_128 (void)
{
  MarLabel *label = mar_label_new (MAR_LABEL_IV_BAG, "Heparin 25,000 units in 250 mL D5W");

  mar_label_add_line (label, "100 units/mL · high alert: witness required");
  g_assert_true (mar_label_add_symbol (label, MAR_SYMBOL_GS1_128,
                                       "[01]00304090123459[17]271231[10]H77", NULL));
  return label;
}

typedef struct
{
  const char *name;
  MarLabel *(*build) (void);
} LabelCase;

static const LabelCase labels[] = {
  { "wristband", build_wristband },
  { "iv-bag", build_iv_bag },
  { "pharmacy-bag", build_pharmacy_bag },
  { "staff-badge", build_staff_badge },
  { "iv-bag-gs1-128", build_iv_bag_gs1_128 },
};

/* Distortions */

typedef ScanTestImage *(*Distort) (const ScanTestImage *image);

#define ROTATE(deg) \
  static ScanTestImage *rotate_##deg (const ScanTestImage *i) { return scan_test_image_rotate (i, deg); }
ROTATE (0) ROTATE (10) ROTATE (30) ROTATE (45) ROTATE (60) ROTATE (80) ROTATE (90) ROTATE (120)
ROTATE (150) ROTATE (180) ROTATE (200) ROTATE (225) ROTATE (270) ROTATE (300) ROTATE (335)

static ScanTestImage *scale_50 (const ScanTestImage *i) { return scan_test_image_scale (i, 0.5); }
static ScanTestImage *scale_75 (const ScanTestImage *i) { return scan_test_image_scale (i, 0.75); }
static ScanTestImage *scale_150 (const ScanTestImage *i) { return scan_test_image_scale (i, 1.5); }
static ScanTestImage *scale_200 (const ScanTestImage *i) { return scan_test_image_scale (i, 2.0); }

static ScanTestImage *
blur_1 (const ScanTestImage *i)
{
  ScanTestImage *out = scan_test_image_copy (i);

  scan_test_image_blur (out, 1);
  return out;
}

static ScanTestImage *
blur_2 (const ScanTestImage *i)
{
  ScanTestImage *out = scan_test_image_copy (i);

  scan_test_image_blur (out, 2);
  return out;
}

static ScanTestImage *
noise_12 (const ScanTestImage *i)
{
  ScanTestImage *out = scan_test_image_copy (i);

  scan_test_image_add_noise (out, 12, 1);
  return out;
}

static ScanTestImage *
noise_25 (const ScanTestImage *i)
{
  ScanTestImage *out = scan_test_image_copy (i);

  scan_test_image_add_noise (out, 25, 2);
  return out;
}

/* A dim ward at night: black is 90, white 150. */
static ScanTestImage *
contrast_60 (const ScanTestImage *i)
{
  ScanTestImage *out = scan_test_image_copy (i);

  scan_test_image_set_contrast (out, 90, 150);
  return out;
}

/* Glare: a washed-out label, black 150, white 220. */
static ScanTestImage *
contrast_washed (const ScanTestImage *i)
{
  ScanTestImage *out = scan_test_image_copy (i);

  scan_test_image_set_contrast (out, 150, 220);
  return out;
}

static ScanTestImage *
perspective_mild (const ScanTestImage *i)
{
  g_autoptr(ScanTestImage) padded = scan_test_image_pad (i, 40);

  return scan_test_image_perspective (padded, 0.8, 0.05);
}

static ScanTestImage *
perspective_strong (const ScanTestImage *i)
{
  g_autoptr(ScanTestImage) padded = scan_test_image_pad (i, 40);

  return scan_test_image_perspective (padded, 0.65, -0.1);
}

/* A hand-held webcam: small, turned and noisy. */
static ScanTestImage *
combo_webcam (const ScanTestImage *i)
{
  g_autoptr(ScanTestImage) small = scan_test_image_scale (i, 0.6);
  ScanTestImage *turned = scan_test_image_rotate (small, 20);

  scan_test_image_add_noise (turned, 8, 3);
  return turned;
}

/* Upside down, tilted back, in poor light. */
static ScanTestImage *
combo_bedside (const ScanTestImage *i)
{
  g_autoptr(ScanTestImage) turned = scan_test_image_rotate (i, 185);
  ScanTestImage *seen = scan_test_image_perspective (turned, 0.8, 0.03);

  scan_test_image_set_contrast (seen, 70, 170);
  scan_test_image_add_noise (seen, 6, 4);
  return seen;
}

/* Pasted into a busy 1280×720-like scene. */
static ScanTestImage *
combo_in_scene (const ScanTestImage *i)
{
  g_autoptr(ScanTestImage) small = scan_test_image_scale (i, 0.7);
  ScanTestImage *scene = scan_test_image_new_background (MAX (1280, small->width + 80),
                                                         MAX (720, small->height + 80), 11);

  scan_test_image_paste (scene, small, 40, (scene->height - small->height) / 2);
  scan_test_image_blur (scene, 1);
  return scene;
}

typedef struct
{
  const char *name;
  Distort     distort;
} DistortionCase;

static const DistortionCase distortions[] = {
  { "rotate-0", rotate_0 }, { "rotate-10", rotate_10 }, { "rotate-30", rotate_30 },
  { "rotate-45", rotate_45 }, { "rotate-60", rotate_60 }, { "rotate-80", rotate_80 },
  { "rotate-90", rotate_90 }, { "rotate-120", rotate_120 }, { "rotate-150", rotate_150 },
  { "rotate-180", rotate_180 }, { "rotate-200", rotate_200 }, { "rotate-225", rotate_225 },
  { "rotate-270", rotate_270 }, { "rotate-300", rotate_300 }, { "rotate-335", rotate_335 },
  { "scale-50", scale_50 }, { "scale-75", scale_75 }, { "scale-150", scale_150 }, { "scale-200", scale_200 },
  { "blur-1", blur_1 }, { "blur-2", blur_2 },
  { "noise-12", noise_12 }, { "noise-25", noise_25 },
  { "contrast-dim", contrast_60 }, { "contrast-washed-out", contrast_washed },
  { "perspective-mild", perspective_mild }, { "perspective-strong", perspective_strong },
  { "combo-webcam", combo_webcam }, { "combo-bedside", combo_bedside }, { "combo-in-scene", combo_in_scene },
};

typedef struct
{
  const LabelCase      *label;
  const DistortionCase *distortion;
} RoundTrip;

static void
test_round_trip (gconstpointer data)
{
  const RoundTrip *rt = data;
  g_autoptr(MarLabel) label = rt->label->build ();
  cairo_surface_t *surface = mar_label_render_image (label, BASE_PX_PER_MM);
  g_autoptr(ScanTestImage) printed = scan_test_image_new_from_surface (surface);
  g_autoptr(ScanTestImage) seen = NULL;
  g_autoptr(MarReaderOptions) options = mar_reader_options_new ();
  g_autoptr(MarImageView) view = NULL;
  g_autoptr(MarBarcodes) barcodes = NULL;
  g_autoptr(GError) error = NULL;
  gboolean all_found = TRUE;

  cairo_surface_destroy (surface);
  n_cases++;

  /* A label lies on something: give it a margin before distorting. */
  {
    g_autoptr(ScanTestImage) on_desk = scan_test_image_pad (printed, 30);

    seen = rt->distortion->distort (on_desk);
  }

  /* Still images: read at any angle, as mar_decoder_decode_file() does. */
  mar_reader_options_set_thorough (options, TRUE);
  view = mar_image_view_new (seen->pixels, seen->width, seen->height, MAR_IMAGE_FORMAT_LUM, 0, 0, &error);
  g_assert_no_error (error);
  g_test_timer_start ();
  barcodes = mar_decoder_read_barcodes (decoder, view, options, NULL, &error);
  g_assert_no_error (error);
  g_test_message ("%s/%s: %d × %d read in %.0f ms", rt->label->name, rt->distortion->name,
                  seen->width, seen->height, g_test_timer_elapsed () * 1000);

  for (guint s = 0; s < mar_label_get_n_symbols (label); s++)
    {
      g_autofree char *expected = expected_scan_data (mar_label_get_symbol (label, s));
      gboolean found = FALSE;

      for (guint i = 0; i < mar_barcodes_get_size (barcodes) && !found; i++)
        {
          g_autofree char *got = mar_barcode_dup_scan_data (mar_barcodes_get (barcodes, i), NULL);

          found = g_strcmp0 (got, expected) == 0;
        }
      if (!found)
        {
          g_autofree char *escaped = g_strescape (expected, NULL);

          g_test_message ("%s/%s: %s not read", rt->label->name, rt->distortion->name, escaped);
          all_found = FALSE;
        }
    }

  /* Never a payload that was not printed. */
  for (guint i = 0; i < mar_barcodes_get_size (barcodes); i++)
    {
      g_autofree char *got = mar_barcode_dup_scan_data (mar_barcodes_get (barcodes, i), NULL);
      gboolean printed_here = FALSE;

      for (guint s = 0; s < mar_label_get_n_symbols (label); s++)
        {
          g_autofree char *expected = expected_scan_data (mar_label_get_symbol (label, s));

          printed_here |= g_strcmp0 (got, expected) == 0;
        }
      if (!printed_here)
        g_error ("%s/%s: read a payload that was not printed", rt->label->name, rt->distortion->name);
    }

  if (all_found)
    n_passed++;
  else
    {
      if (g_getenv ("SCAN_TEST_KEEP_FAILURES") != NULL)
        {
          g_autofree char *name = g_strdup_printf ("roundtrip-%s-%s.png", rt->label->name, rt->distortion->name);

          scan_test_image_save_png (seen, name);
        }
      g_test_fail ();
    }
}

static void
test_element_string_helper (void)
{
  g_autofree char *a = element_string ("[01]00304090123459[17]271231[10]A12[21]S1");
  g_autofree char *b = element_string ("[8018]806141410000000428");
  g_autofree char *c = element_string ("[10]A[3103]001500");

  g_assert_cmpstr (a, ==, "0100304090123459172712311" "0A12\x1d" "21S1");
  g_assert_cmpstr (b, ==, "8018806141410000000428");
  g_assert_cmpstr (c, ==, "10A\x1d" "3103001500");
  g_assert_cmpint (gs1_check_digit ("0030409012345"), ==, '9');
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GPtrArray) cases = g_ptr_array_new_with_free_func (g_free);
  int ret;

  g_test_init (&argc, &argv, NULL);

  decoder = mar_decoder_new ();
  g_test_add_func ("/scan/roundtrip/element-string-helper", test_element_string_helper);
  for (guint l = 0; l < G_N_ELEMENTS (labels); l++)
    for (guint d = 0; d < G_N_ELEMENTS (distortions); d++)
      {
        RoundTrip *rt = g_new0 (RoundTrip, 1);
        g_autofree char *path = g_strdup_printf ("/scan/roundtrip/%s/%s", labels[l].name, distortions[d].name);

        rt->label = &labels[l];
        rt->distortion = &distortions[d];
        g_ptr_array_add (cases, rt);
        g_test_add_data_func (path, rt, test_round_trip);
      }

  ret = g_test_run ();
  g_test_message ("label round trips: %u of %u read back exactly", n_passed, n_cases);
  g_object_unref (decoder);
  return ret;
}
