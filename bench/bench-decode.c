/* bench-decode.c — decode time and read rate, against zbar in the same run
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Makes 1280×720 frames the way a webcam sees a label held up to it —
 * symbols of 2–4.5 px a module, tilted up to 8°, near the middle of the
 * picture (the nurse aims), on a textured background, sometimes soft,
 * sometimes dim, always noisy — and empty frames. Then:
 *   1. decodes each frame through the decoder worker, as the camera does,
 *      and in-process, giving median and p99 per frame (target: median
 *      ≤ 10 ms);
 *   2. writes the frames as PNG and runs zbarimg (zbar-tools) over them
 *      once, and decodes the same files through our worker: read rates per
 *      symbology both read (zbar reads no DataMatrix and, in zbarimg, no
 *      PDF417), and the time per image file, ours over zbar's.
 * Figures are given as ratios to zbar, the baseline measured in this run.
 */

#include "config.h"

#include <math.h>
#include <string.h>
#include <time.h>

#include <glib/gstdio.h>

#include "mar-decoder.h"
#include "mar-label.h"
#include "mar-zxing-bridge.h"
#include "scan-test-image.h"

#define FRAME_W 1280
#define FRAME_H 720
#define PER_KIND 30

typedef struct
{
  const char   *name;
  MarSymbology  symbology;       /* -1: an empty frame */
  gboolean      zbar_reads;
} Kind;

static const Kind kinds[] = {
  { "Code 128", MAR_SYMBOL_CODE128, TRUE },
  { "GS1-128", MAR_SYMBOL_GS1_128, TRUE },
  { "QR Code", MAR_SYMBOL_QR, TRUE },
  { "EAN-13", MAR_SYMBOL_EAN13, TRUE },
  { "GS1 DataBar Expanded", MAR_SYMBOL_GS1_DATABAR_EXPANDED, TRUE },
  { "GS1 DataMatrix", MAR_SYMBOL_GS1_DATAMATRIX, FALSE },
  { "PDF417", MAR_SYMBOL_PDF417, FALSE },
  { "empty frame", (MarSymbology) -1, TRUE },
};

typedef struct
{
  const Kind    *kind;
  ScanTestImage *image;
  char          *expected;       /* normalised payload; NULL for empty frames */
  char          *path;
  gboolean       ours_frame;     /* read right through the worker (frame path) */
  gboolean       ours_file;      /* read right from the PNG through the worker */
  gboolean       zbar;           /* read right by zbarimg */
  gboolean       ours_false;     /* read something that was not there */
  gboolean       zbar_false;
  double         frame_ms;
  double         inprocess_ms;
  double         cpu_ms;         /* processor time of the in-process read, all threads */
} Frame;

/* Letters, digits and '-' only: zbar and zxing differ in how they mark
 * GS1 (FNC1 as GS or not, AIM identifiers, "(01)" for DataBar). */
static char *
normalise (const char *data,
           gsize       length)
{
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < length; i++)
    if (g_ascii_isalnum (data[i]) || data[i] == '-')
      g_string_append_c (s, data[i]);
  return g_string_free (s, FALSE);
}

static char *
payload_for (const Kind *kind,
             int         n,
             GRand      *rand)
{
  switch ((int) kind->symbology)
    {
    case MAR_SYMBOL_CODE128:
      return g_strdup_printf ("MRN%07d", g_rand_int_range (rand, 0, 9999999));
    case MAR_SYMBOL_GS1_128:
      return g_strdup_printf ("[01]00304090123459[17]271231[10]L%04d", n);
    case MAR_SYMBOL_QR:
      return g_strdup_printf ("STAFF-RN-%04d", n);
    case MAR_SYMBOL_EAN13:
      return g_strdup_printf ("40063813%04d", g_rand_int_range (rand, 0, 9999));
    case MAR_SYMBOL_GS1_DATABAR_EXPANDED:
      return g_strdup_printf ("[01]00304090123459[10]A%03d", n);
    case MAR_SYMBOL_GS1_DATAMATRIX:
      return g_strdup_printf ("[01]00809080001040[17]270630[10]W%04d[21]B%05d", n, n * 7);
    case MAR_SYMBOL_PDF417:
      return g_strdup_printf ("PATIENT-%05d-WARD-4B", n);
    default:
      return NULL;
    }
}

static Frame *
make_frame (const Kind *kind,
            int         n,
            GRand      *rand)
{
  Frame *frame = g_new0 (Frame, 1);
  g_autofree char *data = payload_for (kind, n, rand);

  frame->kind = kind;
  frame->image = scan_test_image_new_background (FRAME_W, FRAME_H, g_rand_int (rand));

  if (data != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(MarSymbol) symbol = mar_symbol_new (kind->symbology, data, &error);
      cairo_surface_t *surface;
      g_autoptr(ScanTestImage) crisp = NULL;
      g_autoptr(ScanTestImage) sized = NULL;
      g_autoptr(ScanTestImage) turned = NULL;
      double module = g_rand_double_range (rand, 2.0, 4.5);
      double modules;
      int x, y;

      g_assert_no_error (error);
      mar_symbol_get_modules (symbol, &modules, NULL);
      /* Never wider than 90 % of the frame. */
      module = MIN (module, FRAME_W * 0.9 / modules);
      surface = mar_symbol_render_image (symbol, 8, (int) (8 * 30));
      crisp = scan_test_image_new_from_surface (surface);
      cairo_surface_destroy (surface);
      sized = scan_test_image_scale (crisp, module / 8.0);
      turned = scan_test_image_rotate (sized, g_rand_double_range (rand, -8, 8));

      /* Near the middle: whoever holds the label aims the camera. */
      x = (FRAME_W - turned->width) / 2 + g_rand_int_range (rand, -FRAME_W / 8, FRAME_W / 8 + 1);
      y = (FRAME_H - turned->height) / 2 + g_rand_int_range (rand, -FRAME_H / 8, FRAME_H / 8 + 1);
      scan_test_image_paste (frame->image, turned, CLAMP (x, 0, FRAME_W - turned->width),
                             CLAMP (y, 0, FRAME_H - turned->height));

      if (kind->symbology == MAR_SYMBOL_EAN13)
        {
          g_autoptr(MarSymbol) full = mar_symbol_new (kind->symbology, data, NULL);

          frame->expected = normalise (mar_symbol_get_text (full), strlen (mar_symbol_get_text (full)));
        }
      else
        frame->expected = normalise (data, strlen (data));
    }

  if (g_rand_int_range (rand, 0, 3) == 0)
    scan_test_image_blur (frame->image, 1);
  if (g_rand_int_range (rand, 0, 4) == 0)
    scan_test_image_set_contrast (frame->image, (guint8) g_rand_int_range (rand, 20, 70),
                                  (guint8) g_rand_int_range (rand, 180, 240));
  scan_test_image_add_noise (frame->image, g_rand_double_range (rand, 2, 6), g_rand_int (rand));
  return frame;
}

static void
frame_free (Frame *frame)
{
  scan_test_image_free (frame->image);
  g_free (frame->expected);
  g_free (frame->path);
  g_free (frame);
}

/* Right: the payload printed; false: anything else read. */
static void
judge (const Frame  *frame,
       MarBarcodes  *barcodes,
       gboolean     *right,
       gboolean     *wrong)
{
  *right = FALSE;
  *wrong = FALSE;
  for (guint i = 0; barcodes != NULL && i < mar_barcodes_get_size (barcodes); i++)
    {
      gsize n;
      const guint8 *bytes = mar_barcode_get_bytes (mar_barcodes_get (barcodes, i), &n);
      g_autofree char *got = normalise ((const char *) bytes, n);

      if (frame->expected != NULL && g_str_equal (got, frame->expected))
        *right = TRUE;
      else
        *wrong = TRUE;
    }
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
percentile (GArray *values,
            double  p)
{
  g_array_sort (values, compare_double);
  return g_array_index (values, double, MIN ((guint) floor (p * values->len), values->len - 1));
}

/* zbarimg --xml: <source href='path'> … <symbol …><data [format='base64']>
 * <![CDATA[…]]></data></symbol> … </source>. */
static void
parse_zbar (const char *xml,
            GHashTable *frames_by_path)
{
  const char *p = xml;

  while ((p = strstr (p, "<source href='")) != NULL)
    {
      const char *href = p + strlen ("<source href='");
      const char *href_end = strchr (href, '\'');
      const char *end = strstr (href, "</source>");
      g_autofree char *path = NULL;
      Frame *frame;

      if (href_end == NULL || end == NULL)
        break;
      path = g_strndup (href, href_end - href);
      frame = g_hash_table_lookup (frames_by_path, path);

      for (const char *s = strstr (href, "<symbol "); s != NULL && s < end; s = strstr (s + 1, "<symbol "))
        {
          const char *data = strstr (s, "<data");
          const char *cdata, *cdata_end;
          gboolean base64;
          g_autofree char *raw = NULL;
          g_autofree char *got = NULL;
          gsize n;

          if (data == NULL || data > end)
            break;
          base64 = strstr (data, "format='base64'") != NULL && strstr (data, "format='base64'") < strstr (data, ">");
          cdata = strstr (data, "<![CDATA[");
          cdata_end = cdata ? strstr (cdata, "]]>") : NULL;
          if (cdata == NULL || cdata_end == NULL)
            break;
          cdata += strlen ("<![CDATA[");
          raw = g_strndup (cdata, cdata_end - cdata);
          if (base64)
            {
              guchar *decoded = g_base64_decode (g_strstrip (raw), &n);

              got = normalise ((const char *) decoded, n);
              g_free (decoded);
            }
          else
            got = normalise (raw, strlen (raw));

          if (frame != NULL)
            {
              if (frame->expected != NULL && g_str_equal (got, frame->expected))
                frame->zbar = TRUE;
              else
                frame->zbar_false = TRUE;
            }
        }
      p = end;
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260308);
  g_autoptr(GPtrArray) frames = g_ptr_array_new_with_free_func ((GDestroyNotify) frame_free);
  g_autoptr(GHashTable) by_path = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(MarDecoder) decoder = mar_decoder_new ();
  g_autoptr(MarReaderOptions) options = mar_reader_options_new_for_video ();
  g_autoptr(GArray) frame_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) inprocess_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) cpu_ms = g_array_new (FALSE, FALSE, sizeof (double));
  g_autofree char *zbarimg = g_find_program_in_path ("zbarimg");
  g_autofree char *dir = g_dir_make_tmp ("bench-decode-XXXXXX", NULL);
  g_autoptr(GPtrArray) zbar_argv = g_ptr_array_new ();
  double ours_file_s = 0, zbar_s = 0, median_frame, median_inprocess;
  guint both_ours = 0, both_zbar = 0, both_total = 0;
  guint ours_false = 0, zbar_false = 0;
  g_autoptr(GError) error = NULL;

  g_print ("bench-decode: %u frames of %dx%d (%d per kind), %s in the decoder worker, "
           "against %s in the same run\n",
           (guint) (G_N_ELEMENTS (kinds) * PER_KIND), FRAME_W, FRAME_H, PER_KIND,
           mar_read_barcodes_backend (), zbarimg ? "zbarimg (zbar-tools)" : "nothing (zbarimg not found)");
  /* Times depend on what else runs: say so next to them. */
  {
    g_autofree char *load = NULL;

    if (g_file_get_contents ("/proc/loadavg", &load, NULL, NULL))
      g_print ("machine: %u processors, load average %s", g_get_num_processors (), load);
  }

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    for (int n = 0; n < PER_KIND; n++)
      {
        Frame *frame = make_frame (&kinds[k], n, rand);

        frame->path = g_strdup_printf ("%s/frame-%u-%02d.png", dir, k, n);
        g_assert_true (scan_test_image_save_png (frame->image, frame->path));
        g_hash_table_insert (by_path, frame->path, frame);
        g_ptr_array_add (frames, frame);
      }

  /* Warm up: start the worker, fault in zxing's code and tables. */
  g_assert_true (mar_decoder_start (decoder, &error));
  for (guint i = 0; i < 5; i++)
    {
      Frame *frame = g_ptr_array_index (frames, i * PER_KIND % frames->len);
      g_autoptr(MarImageView) view = mar_image_view_new (frame->image->pixels, FRAME_W, FRAME_H,
                                                         MAR_IMAGE_FORMAT_LUM, 0, 0, NULL);
      g_autoptr(MarBarcodes) b = mar_decoder_read_barcodes (decoder, view, options, NULL, NULL);

      g_assert_nonnull (b);
    }

  /* 1. Frames, as the camera hands them over. */
  for (guint i = 0; i < frames->len; i++)
    {
      Frame *frame = g_ptr_array_index (frames, i);
      g_autoptr(MarImageView) view = mar_image_view_new (frame->image->pixels, FRAME_W, FRAME_H,
                                                         MAR_IMAGE_FORMAT_LUM, 0, 0, NULL);
      g_autoptr(MarBarcodes) through_worker = NULL;
      g_autoptr(MarBarcodes) in_process = NULL;
      gint64 t0, t1, t2;

      struct timespec c0, c1;

      t0 = g_get_monotonic_time ();
      through_worker = mar_decoder_read_barcodes (decoder, view, options, NULL, &error);
      t1 = g_get_monotonic_time ();
      clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &c0);
      in_process = mar_read_barcodes (view, options, NULL);
      clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &c1);
      t2 = g_get_monotonic_time ();
      g_assert_no_error (error);

      frame->frame_ms = (t1 - t0) / 1000.0;
      frame->inprocess_ms = (t2 - t1) / 1000.0;
      frame->cpu_ms = (c1.tv_sec - c0.tv_sec) * 1000.0 + (c1.tv_nsec - c0.tv_nsec) / 1e6;
      g_array_append_val (frame_ms, frame->frame_ms);
      g_array_append_val (inprocess_ms, frame->inprocess_ms);
      g_array_append_val (cpu_ms, frame->cpu_ms);
      judge (frame, through_worker, &frame->ours_frame, &frame->ours_false);
    }

  /* 2. The same images as files: ours through the worker, then zbarimg. */
  {
    gint64 t0 = g_get_monotonic_time ();

    for (guint i = 0; i < frames->len; i++)
      {
        Frame *frame = g_ptr_array_index (frames, i);
        g_autoptr(GFile) file = g_file_new_for_path (frame->path);
        g_autoptr(MarBarcodes) barcodes = mar_decoder_decode_file (decoder, file, options, NULL, &error);
        gboolean wrong;

        g_assert_no_error (error);
        judge (frame, barcodes, &frame->ours_file, &wrong);
      }
    ours_file_s = (g_get_monotonic_time () - t0) / 1e6;
  }

  if (zbarimg != NULL)
    {
      g_autofree char *out = NULL;
      gint64 t0;

      g_ptr_array_add (zbar_argv, zbarimg);
      g_ptr_array_add (zbar_argv, (gpointer) "--xml");
      g_ptr_array_add (zbar_argv, (gpointer) "-q");
      for (guint i = 0; i < frames->len; i++)
        g_ptr_array_add (zbar_argv, ((Frame *) g_ptr_array_index (frames, i))->path);
      g_ptr_array_add (zbar_argv, NULL);

      t0 = g_get_monotonic_time ();
      /* zbarimg exits with 4 when some image has no symbol: not an error. */
      if (!g_spawn_sync (NULL, (char **) zbar_argv->pdata, NULL, G_SPAWN_STDERR_TO_DEV_NULL,
                         NULL, NULL, &out, NULL, NULL, &error))
        g_error ("zbarimg: %s", error->message);
      zbar_s = (g_get_monotonic_time () - t0) / 1e6;
      parse_zbar (out, by_path);
    }

  /* Report */
  median_frame = percentile (frame_ms, 0.5);
  median_inprocess = percentile (inprocess_ms, 0.5);
  g_print ("\nframe path (GRAY8 frame -> worker, the camera's options): median %.1f ms, p99 %.1f ms "
           "per frame (target <= 10 ms median: %s)\n",
           median_frame, percentile (frame_ms, 0.99), median_frame <= 10.0 ? "met" : "NOT met");
  g_print ("  in-process (no worker): median %.1f ms, p99 %.1f ms; the worker costs x%.2f at the median\n",
           median_inprocess, percentile (inprocess_ms, 0.99), median_frame / MAX (median_inprocess, 0.001));
  g_print ("  processor time per frame, all threads (unaffected by other load): median %.1f ms, p99 %.1f ms\n",
           percentile (cpu_ms, 0.5), percentile (cpu_ms, 0.99));

  g_print ("\nread rates, frames with a symbol both read (ours: frame path | file path; zbar: zbarimg)\n");
  g_print ("  %-22s %9s %9s %9s %11s\n", "symbology", "ours", "our file", "zbar", "ours/zbar");
  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      guint ours = 0, file = 0, zbar = 0;

      if ((int) kinds[k].symbology < 0)
        continue;
      for (guint i = 0; i < frames->len; i++)
        {
          Frame *frame = g_ptr_array_index (frames, i);

          if (frame->kind != &kinds[k])
            continue;
          ours += frame->ours_frame;
          file += frame->ours_file;
          zbar += frame->zbar;
        }
      if (kinds[k].zbar_reads && zbarimg != NULL)
        {
          g_print ("  %-22s %6u/%-2d %6u/%-2d %6u/%-2d %11.2f\n", kinds[k].name, ours, PER_KIND, file, PER_KIND,
                   zbar, PER_KIND, zbar ? (double) ours / zbar : (ours ? INFINITY : 1.0));
          both_ours += ours;
          both_zbar += zbar;
          both_total += PER_KIND;
        }
      else
        g_print ("  %-22s %6u/%-2d %6u/%-2d %9s %11s\n", kinds[k].name, ours, PER_KIND, file, PER_KIND,
                 "-", "(ours only)");
    }
  if (both_total > 0)
    g_print ("  %-22s %6u/%-3u          %6u/%-3u %10.2f  (read rate at least zbar's: %s)\n", "all both read",
             both_ours, both_total, both_zbar, both_total,
             both_zbar ? (double) both_ours / both_zbar : 1.0, both_ours >= both_zbar ? "yes" : "NO");

  for (guint i = 0; i < frames->len; i++)
    {
      Frame *frame = g_ptr_array_index (frames, i);

      ours_false += frame->ours_false;
      zbar_false += frame->zbar_false;
    }
  g_print ("  frames with a wrong or phantom read: ours %u, zbar %u (of %u)\n", ours_false, zbar_false, frames->len);

  if (zbarimg != NULL)
    g_print ("\ntime per image file (PNG -> payload, %u files): ours %.1f ms, zbar %.1f ms; ours/zbar %.2f\n"
             "  frame path median as a ratio to zbar's time per file: %.2f\n",
             frames->len, ours_file_s * 1000 / frames->len, zbar_s * 1000 / frames->len,
             ours_file_s / MAX (zbar_s, 1e-9), median_frame / MAX (zbar_s * 1000 / frames->len, 1e-9));

  /* BENCH_KEEP=1 keeps the images and lists the misses, for study. */
  if (g_getenv ("BENCH_KEEP") != NULL)
    {
      for (guint i = 0; i < frames->len; i++)
        {
          Frame *frame = g_ptr_array_index (frames, i);

          if (frame->expected != NULL && (!frame->ours_frame || !frame->zbar))
            g_print ("  %s: %s%s\n", frame->path, frame->ours_frame ? "" : "ours missed ",
                     frame->zbar ? "" : "zbar missed");
        }
      return 0;
    }
  for (guint i = 0; i < frames->len; i++)
    g_unlink (((Frame *) g_ptr_array_index (frames, i))->path);
  g_rmdir (dir);
  return 0;
}
