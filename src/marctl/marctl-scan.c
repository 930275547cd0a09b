/* marctl-scan.c — marctl decode and marctl labels
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * decode: the symbols in an image file (decoded in the isolated worker, so
 * a hostile image cannot take marctl down), what each payload means (the
 * same parser the bedside app uses) and what the cache knows it as.
 * labels: the printable sheet of the demo ward's wristbands, bags and
 * badges, dated today, to try the app with a real scanner or a webcam.
 */

#define G_LOG_DOMAIN "marctl"

#include "config.h"

#include <glib/gi18n.h>

#include "marctl.h"
#include "mar-decoder.h"
#include "mar-label-sheet.h"
#include "mar-time.h"
#include "mar-verifier.h"

static const char *
scan_kind_name (MarScanKind kind)
{
  switch (kind)
    {
    case MAR_SCAN_KIND_WRISTBAND: return "wristband";
    case MAR_SCAN_KIND_PRODUCT: return "product";
    case MAR_SCAN_KIND_BAG_LABEL: return "bag-label";
    case MAR_SCAN_KIND_BADGE: return "badge";
    case MAR_SCAN_KIND_UNREADABLE: return "unreadable";
    case MAR_SCAN_KIND_UNKNOWN:
    default: return "unknown";
    }
}

static void
add_string (JsonBuilder *builder,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

/* The payload as text people and scripts can read: GS shown as "\x1d". */
static char *
escape_payload (const char *data)
{
  GString *out = g_string_new (NULL);

  for (const char *p = data; *p != '\0'; p++)
    {
      if (*p == '\x1d')
        g_string_append (out, "\\x1d");
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static void
add_meaning (JsonBuilder   *builder,
             MarScanResult *result)
{
  MarScan *scan = mar_scan_result_get_scan (result);
  const MarPatient *patient = mar_scan_result_get_patient (result);
  const MarProduct *product = mar_scan_result_get_product (result);
  const MarDispense *dispense = mar_scan_result_get_dispense (result);
  const MarStaff *staff = mar_scan_result_get_staff (result);

  json_builder_set_member_name (builder, "meaning");
  json_builder_begin_object (builder);
  add_string (builder, "kind", scan_kind_name (mar_scan_result_get_kind (result)));
  add_string (builder, "error", mar_scan_result_get_error (result));
  if (scan != NULL)
    {
      GPtrArray *ais = mar_scan_get_syntax (scan) == MAR_SCAN_SYNTAX_GS1 ? mar_scan_get_ais (scan) : NULL;

      add_string (builder, "display", mar_scan_get_display (scan));
      add_string (builder, "syntax", mar_scan_get_syntax (scan) == MAR_SCAN_SYNTAX_GS1 ? "gs1" : "plain");
      if (ais != NULL)
        {
          json_builder_set_member_name (builder, "ais");
          json_builder_begin_object (builder);
          for (guint i = 0; i < ais->len; i++)
            add_string (builder, g_ptr_array_index (ais, i), mar_scan_get_ai (scan, g_ptr_array_index (ais, i)));
          json_builder_end_object (builder);
          add_string (builder, "gtin", mar_scan_get_gtin (scan));
          add_string (builder, "ndc", mar_scan_get_ndc (scan));
          add_string (builder, "gsrn", mar_scan_get_gsrn (scan));
        }
      else
        add_string (builder, "identifier", mar_scan_get_identifier (scan));
    }
  /* What the cache knows it as: never patient names in this output, which
   * ends up in tickets and logs; the ids lead IT to the record. */
  add_string (builder, "patient", patient != NULL ? patient->id : NULL);
  add_string (builder, "product", product != NULL ? product->name : NULL);
  add_string (builder, "bag_label", dispense != NULL ? dispense->id : NULL);
  add_string (builder, "staff", staff != NULL ? staff->id : NULL);
  json_builder_end_object (builder);
}

int
marctl_decode_run (MarctlContext *ctx,
                   int            argc,
                   char         **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MarBarcodes) barcodes = NULL;
  g_autoptr(MarDrugLibrary) library = NULL;
  g_autoptr(MarVerifier) verifier = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *at = NULL;
  MarScanOptions scan_options = { 0 };
  gboolean offline = FALSE;
  MarStore *store = NULL;
  gint64 now;
  int status = MARCTL_EXIT_OK;
  GOptionEntry entries[] = {
    { "at", 0, 0, G_OPTION_ARG_STRING, &at, N_("Resolve two-digit GS1 years against this time"), "TIME" },
    { "no-cache", 0, 0, G_OPTION_ARG_NONE, &offline, N_("Do not look the payloads up in the cache"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("FILE — the barcodes in an image file, as JSON"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      marctl_print_error ("%s", error->message);
      return MARCTL_EXIT_USAGE;
    }
  if (argc != 2)
    {
      marctl_print_error (_("decode needs one image FILE"));
      return MARCTL_EXIT_USAGE;
    }
  if (!marctl_parse_at (ctx, at, &now))
    return MARCTL_EXIT_USAGE;

  barcodes = mar_decode_file (argv[1], NULL, &error);
  if (barcodes == NULL)
    {
      marctl_print_error ("%s: %s", argv[1], error->message);
      return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ? MARCTL_EXIT_NOINPUT
                                                                      : MARCTL_EXIT_DATAERR;
    }

  if (!offline)
    {
      store = marctl_context_get_store (ctx, &status);
      if (store == NULL)
        return status;
      library = mar_drug_library_load_installed (store, &error);
      if (library == NULL)
        {
          marctl_print_error ("%s", error->message);
          return MARCTL_EXIT_CONFIG;
        }
      mar_config_get_scan_options (ctx->config, &scan_options);
      verifier = mar_verifier_new (store, library, ctx->time_zone, &scan_options);
    }

  json_builder_begin_object (builder);
  add_string (builder, "file", argv[1]);
  json_builder_set_member_name (builder, "barcodes");
  json_builder_begin_array (builder);
  for (guint i = 0; i < mar_barcodes_get_size (barcodes); i++)
    {
      MarBarcode *barcode = mar_barcodes_get (barcodes, i);
      g_autofree char *data = mar_barcode_dup_scan_data (barcode, NULL);
      gsize length;
      const guint8 *bytes = mar_barcode_get_bytes (barcode, &length);
      g_autofree char *payload = escape_payload ((const char *) bytes);

      json_builder_begin_object (builder);
      add_string (builder, "format", mar_barcode_get_symbology_name (barcode));
      add_string (builder, "symbology_identifier", mar_barcode_get_aim_identifier (barcode));
      add_string (builder, "payload", payload);
      if (verifier != NULL)
        {
          g_autoptr(MarScanResult) result = mar_verifier_resolve_scan (verifier, data, -1,
                                                                        MAR_SCAN_SOURCE_IMAGE, now, &error);
          if (result == NULL)
            {
              marctl_print_error ("%s", error->message);
              return marctl_exit_code_for_error (error);
            }
          add_meaning (builder, result);
        }
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  marctl_print_json (root);
  /* A picture without a readable symbol is not an error of marctl, but a
   * script wants to know: 1, like grep. */
  return mar_barcodes_get_size (barcodes) > 0 ? MARCTL_EXIT_OK : MARCTL_EXIT_FAILURE;
}

int
marctl_labels_run (MarctlContext *ctx,
                   int            argc,
                   char         **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) labels = NULL;
  g_autofree char *out = NULL;
  g_autofree char *spec = NULL;
  g_autofree char *paper = NULL;
  g_autofree char *at = NULL;
  MarPaperSize size = MAR_PAPER_A4;
  gint64 now;
  GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, N_("The PDF to write"), "FILE.pdf" },
    { "spec", 0, 0, G_OPTION_ARG_FILENAME, &spec, N_("A label spec (default: the demo ward's)"), "FILE" },
    { "paper", 0, 0, G_OPTION_ARG_STRING, &paper, N_("a4 (default) or letter"), "SIZE" },
    { "at", 0, 0, G_OPTION_ARG_STRING, &at, N_("Date the labels as if printed at this time"), "TIME" },
    { NULL }
  };

  context = g_option_context_new (_("— print the demo ward's wristbands, bag labels and badges"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      marctl_print_error ("%s", error->message);
      return MARCTL_EXIT_USAGE;
    }
  if (out == NULL || argc > 1)
    {
      marctl_print_error (_("labels needs --out FILE.pdf"));
      return MARCTL_EXIT_USAGE;
    }
  if (paper != NULL && g_ascii_strcasecmp (paper, "letter") == 0)
    size = MAR_PAPER_LETTER;
  else if (paper != NULL && g_ascii_strcasecmp (paper, "a4") != 0)
    {
      marctl_print_error (_("--paper must be a4 or letter"));
      return MARCTL_EXIT_USAGE;
    }
  if (!marctl_parse_at (ctx, at, &now))
    return MARCTL_EXIT_USAGE;
  if (spec == NULL)
    spec = mar_label_sheet_dup_demo_spec_path ();

  labels = mar_label_sheet_load_spec (spec, now, ctx->time_zone, &error);
  if (labels == NULL)
    {
      marctl_print_error ("%s", error->message);
      return g_error_matches (error, G_FILE_ERROR, G_FILE_ERROR_NOENT) ? MARCTL_EXIT_NOINPUT : MARCTL_EXIT_DATAERR;
    }
  if (!mar_label_sheet_write_pdf (labels, size, out, &error))
    {
      marctl_print_error ("%s", error->message);
      return MARCTL_EXIT_CANTCREAT;
    }
  g_print (_("%s: %u labels on %u pages\n"), out, labels->len, mar_label_sheet_count_pages (labels, size));
  return MARCTL_EXIT_OK;
}
