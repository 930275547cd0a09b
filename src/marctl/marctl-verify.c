/* marctl-verify.c — marctl verify: the five rights for two scans
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Prints exactly one verdict, also for unreadable scans (BARCODE_INVALID is
 * a verdict, exit 4); usage and database errors are the only sysexits.
 */

#define G_LOG_DOMAIN "marctl"

#include "config.h"

#include <glib/gi18n.h>

#include "marctl.h"
#include "mar-time.h"
#include "mar-verifier.h"

static void
print_text (MarVerification *verification,
            GTimeZone       *tz)
{
  MarVerdict *verdict = mar_verification_get_verdict (verification);
  const MarPatient *patient = mar_verification_get_patient (verification);
  const MarOrder *order = mar_verification_get_order (verification);
  const MarProduct *product = mar_verification_get_product (verification);
  GPtrArray *findings = mar_verdict_get_findings (verdict);
  MarRequirement requires = mar_verdict_get_requirements (verdict);
  const char *headline;

  switch (mar_verdict_get_kind (verdict))
    {
    case MAR_VERDICT_PASS:
      headline = _("PASS — all checks passed");
      break;
    case MAR_VERDICT_WARN:
      headline = _("WARNING — go on only with a reason");
      break;
    case MAR_VERDICT_BLOCK:
    default:
      headline = _("STOP — do not give");
      break;
    }
  g_print ("%s\n", headline);

  if (patient != NULL)
    {
      g_autofree char *name = mar_patient_dup_display_name (patient);
      g_print (_("Patient:  %s, born %s, MRN %s%s%s\n"), name,
               patient->birth_date != NULL ? patient->birth_date : "?",
               patient->mrn != NULL ? patient->mrn : "?",
               patient->bed_name != NULL ? _(", bed ") : "",
               patient->bed_name != NULL ? patient->bed_name : "");
    }
  if (product != NULL)
    g_print (_("Product:  %s\n"), product->name != NULL ? product->name : product->id);
  if (order != NULL)
    g_print (_("Order:    %s%s%s\n"),
             order->medication_display != NULL ? order->medication_display : order->id,
             order->text != NULL ? " — " : "", order->text != NULL ? order->text : "");
  if (mar_verdict_get_due_time (verdict) != MAR_TIME_UNSET)
    {
      g_autofree char *due = mar_time_format_iso (mar_verdict_get_due_time (verdict), tz);
      g_print (_("Due:      %s\n"), due);
    }

  for (guint i = 0; i < findings->len; i++)
    {
      const MarFinding *finding = g_ptr_array_index (findings, i);

      g_print ("  [%s] %s %s: %s\n",
               mar_severity_to_string (mar_finding_get_severity (finding)),
               mar_right_to_string (mar_finding_get_right (finding)),
               mar_finding_get_code (finding),
               mar_finding_get_message (finding));
    }
  if (requires & MAR_REQUIRES_WITNESS)
    g_print ("%s\n", _("Requires: a second nurse to witness (badge + PIN)"));
}

int
marctl_verify_run (MarctlContext *ctx,
                   int            argc,
                   char         **argv)
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(MarDrugLibrary) library = NULL;
  g_autoptr(MarVerifier) verifier = NULL;
  g_autoptr(MarScanResult) patient_scan = NULL;
  g_autoptr(MarScanResult) product_scan = NULL;
  g_autoptr(MarVerification) verification = NULL;
  g_autofree char *patient = NULL;
  g_autofree char *product = NULL;
  g_autofree char *at = NULL;
  gboolean json = FALSE;
  gboolean patient_keyed = FALSE;
  gboolean product_keyed = FALSE;
  MarScanOptions scan_options = { 0 };
  MarStore *store;
  gint64 now;
  int status = MARCTL_EXIT_OK;
  GOptionEntry entries[] = {
    /* FILENAME: the bytes as given, so a scan that is not UTF-8 reaches the
     * parser (BARCODE_INVALID) instead of failing option parsing. */
    { "patient", 0, 0, G_OPTION_ARG_FILENAME, &patient, N_("What the wristband scan delivered (GS as \\x1d, or the configured replacement)"), "SCAN" },
    { "product", 0, 0, G_OPTION_ARG_FILENAME, &product, N_("What the bag or product scan delivered"), "SCAN" },
    { "at", 0, 0, G_OPTION_ARG_STRING, &at, N_("Verify at this time (ISO 8601; no offset: the unit's time zone). Default: now"), "TIME" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object"), NULL },
    { "patient-keyed", 0, 0, G_OPTION_ARG_NONE, &patient_keyed, N_("The wristband was typed, not scanned"), NULL },
    { "product-keyed", 0, 0, G_OPTION_ARG_NONE, &product_keyed, N_("The product code was typed, not scanned"), NULL },
    { NULL }
  };

  context = g_option_context_new (_("— verify a wristband and a product scan"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  g_option_context_set_description (context,
    _("Exit status: 0 pass, 3 warning, 4 stop (also for unreadable scans);\n"
      "64–78 for usage, configuration and database errors.\n\n"
      "Scans are given as the scanner delivers them: \"]d2010030...\\x1d21...\",\n"
      "\"(01)00303380049048(17)271231(10)A1\", or a plain wristband or label text.\n"
      "The two characters \\x1d stand for the GS separator."));
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      marctl_print_error ("%s", error->message);
      return MARCTL_EXIT_USAGE;
    }
  if (patient == NULL || product == NULL || argc > 1)
    {
      marctl_print_error (_("verify needs --patient SCAN and --product SCAN (see marctl verify --help)"));
      return MARCTL_EXIT_USAGE;
    }
  if (!marctl_parse_at (ctx, at, &now))
    return MARCTL_EXIT_USAGE;

  store = marctl_context_get_store (ctx, &status);
  if (store == NULL)
    return status;

  library = mar_drug_library_load_installed (store, &error);
  if (library == NULL)
    {
      marctl_print_error (_("the installed drug library cannot be used: %s"), error->message);
      return MARCTL_EXIT_CONFIG;
    }

  mar_config_get_scan_options (ctx->config, &scan_options);
  verifier = mar_verifier_new (store, library, ctx->time_zone, &scan_options);

  {
    g_autofree char *patient_data = marctl_unescape_scan (patient);
    g_autofree char *product_data = marctl_unescape_scan (product);

    patient_scan = mar_verifier_resolve_scan (verifier, patient_data, -1,
                                              patient_keyed ? MAR_SCAN_SOURCE_KEYED : MAR_SCAN_SOURCE_SCANNER,
                                              now, &error);
    if (patient_scan != NULL)
      product_scan = mar_verifier_resolve_scan (verifier, product_data, -1,
                                                product_keyed ? MAR_SCAN_SOURCE_KEYED : MAR_SCAN_SOURCE_SCANNER,
                                                now, &error);
  }
  if (patient_scan != NULL && product_scan != NULL)
    verification = mar_verifier_verify (verifier, patient_scan, product_scan, now, &error);
  if (verification == NULL)
    {
      marctl_print_error ("%s", error->message);
      return marctl_exit_code_for_error (error);
    }

  if (json)
    {
      g_autoptr(JsonNode) node = mar_verification_to_json (verification, ctx->time_zone);
      marctl_print_json (node);
    }
  else
    print_text (verification, ctx->time_zone);

  switch (mar_verdict_get_kind (mar_verification_get_verdict (verification)))
    {
    case MAR_VERDICT_PASS:
      return MARCTL_EXIT_OK;
    case MAR_VERDICT_WARN:
      return MARCTL_EXIT_WARN;
    case MAR_VERDICT_BLOCK:
    default:
      return MARCTL_EXIT_BLOCK;
    }
}
