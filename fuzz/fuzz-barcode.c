/* fuzz-barcode.c — libFuzzer target for the barcode payload parser
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Whatever bytes a scanner sends, mar_scan_parse() must return a scan or a
 * MAR_BARCODE_ERROR with a readable message: no crash, no leak, no
 * undefined behaviour, no GLib critical. An accepted scan must also be
 * self-consistent (see check_scan()). See fuzz/README.md.
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mar-barcode.h"
#include "mar-barcode-private.h"
#include "mar-gs1.h"

#define REQUIRE(cond) G_STMT_START { if (!(cond)) { g_printerr ("fuzz-barcode: %s\n", #cond); abort (); } } G_STMT_END

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* 2026-06-15 and 2080-06-15 (the GS1 century window then reaches 2100). */
static const MarScanOptions option_sets[] = {
  { 0, NULL, G_GINT64_CONSTANT (1781524800) },
  { '^', "MRN:", G_GINT64_CONSTANT (1781524800) },
  { 0x00A7, "PT", G_GINT64_CONSTANT (3485678400) },   /* "§" */
};

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  /* A critical or warning is a bug the fuzzer should report. */
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  return 0;
}

static gboolean
is_digits (const char *s,
           gsize       len)
{
  if (s == NULL || strlen (s) != len)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (s[i] < '0' || s[i] > '9')
      return FALSE;
  return TRUE;
}

static void
check_scan (MarScan              *scan,
            const MarScanOptions *options)
{
  const char *display = mar_scan_get_display (scan);
  GDate date;
  int y, mo, d, h, mi;

  REQUIRE (display != NULL && g_utf8_validate (display, -1, NULL));
  REQUIRE (mar_scan_get_data (scan) != NULL);
  mar_scan_get_symbology (scan);
  mar_scan_get_source (scan);

  if (mar_scan_get_syntax (scan) == MAR_SCAN_SYNTAX_PLAIN)
    {
      const char *id = mar_scan_get_identifier (scan);

      REQUIRE (id != NULL && *id != '\0' && g_utf8_validate (id, -1, NULL));
      for (const char *p = id; *p; p = g_utf8_next_char (p))
        REQUIRE (!g_unichar_iscntrl (g_utf8_get_char (p)));
      REQUIRE (mar_scan_get_ais (scan) == NULL);
      REQUIRE (mar_scan_get_gtin (scan) == NULL);
      return;
    }

  REQUIRE (mar_scan_get_syntax (scan) == MAR_SCAN_SYNTAX_GS1);
  REQUIRE (mar_scan_get_identifier (scan) == NULL);
  REQUIRE (mar_scan_get_ais (scan) != NULL && mar_scan_get_ais (scan)->len > 0);
  for (guint i = 0; i < mar_scan_get_ais (scan)->len; i++)
    REQUIRE (mar_scan_get_ai (scan, mar_scan_get_ais (scan)->pdata[i]) != NULL);

  if (mar_scan_get_gtin (scan) != NULL)
    REQUIRE (is_digits (mar_scan_get_gtin (scan), 14) && mar_gs1_check_digit_valid (mar_scan_get_gtin (scan)));
  if (mar_scan_get_ndc (scan) != NULL)
    REQUIRE (is_digits (mar_scan_get_ndc (scan), 10));
  if (mar_scan_get_gsrn (scan) != NULL)
    REQUIRE (is_digits (mar_scan_get_gsrn (scan), 18) && mar_gs1_check_digit_valid (mar_scan_get_gsrn (scan)));
  mar_scan_get_lot (scan);
  mar_scan_get_serial (scan);
  if (mar_scan_get_expiry_date (scan, &date))
    REQUIRE (g_date_valid (&date));
  if (mar_scan_get_expiry_time (scan, &y, &mo, &d, &h, &mi))
    REQUIRE (g_date_valid_dmy (d, mo, y) && h >= 0 && h < 24 && mi >= 0 && mi < 60);

  /* The bracketed display and the element string read back the same. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(MarScan) again = mar_scan_parse (display, -1, options, &error);
    g_autofree char *es1 = mar_gs1_elements_to_element_string (mar_scan_get_elements (scan));
    g_autofree char *es2 = NULL;
    g_autoptr(GArray) reread = mar_gs1_elements_new ();

    REQUIRE (again != NULL);
    REQUIRE (strcmp (mar_scan_get_display (again), display) == 0);
    REQUIRE (mar_gs1_parse_element_string (reread, es1, strlen (es1), NULL, NULL));
    es2 = mar_gs1_elements_to_element_string (reread);
    REQUIRE (strcmp (es1, es2) == 0);
  }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  const char *text = (const char *) data;

  for (guint i = 0; i < G_N_ELEMENTS (option_sets); i++)
    {
      g_autoptr(GError) error = NULL;
      MarGs1Lint lint = MAR_GS1_LINT_OK;
      g_autoptr(MarScan) scan = mar_scan_parse_with_lint (text, (gssize) size, &option_sets[i], &lint, &error);

      REQUIRE ((scan == NULL) != (error == NULL));
      if (scan != NULL)
        check_scan (scan, &option_sets[i]);
      else
        {
          REQUIRE (error->domain == MAR_BARCODE_ERROR);
          REQUIRE (error->message != NULL && *error->message != '\0');
          REQUIRE (g_utf8_validate (error->message, -1, NULL));
          REQUIRE (lint < MAR_GS1_LINT_N_RESULTS);
        }
    }

  /* The helpers that take C strings, and the linters on raw bytes. */
  if (size < 256 && memchr (data, '\0', size) == NULL)
    {
      g_autofree char *s = g_strndup (text, size);
      g_autofree char *ndc10 = mar_ndc_to_ndc10 (s);
      g_autofree char *ndc11 = mar_ndc_to_ndc11 (s);
      g_autoptr(GError) error = NULL;
      g_autofree char *gtin = mar_gtin_normalize (s, &error);
      g_autoptr(GPtrArray) linters = mar_gs1_dictionary_list_linters ();

      REQUIRE (ndc10 == NULL || is_digits (ndc10, 10));
      REQUIRE (ndc11 == NULL || is_digits (ndc11, 11));
      REQUIRE (gtin == NULL || (is_digits (gtin, 14) && mar_gs1_check_digit_valid (gtin)));
      mar_gs1_check_digit_valid (s);
      for (guint i = 0; i < linters->len; i++)
        {
          MarGs1Lint result;
          gsize pos = 0, len = 0;

          REQUIRE (mar_gs1_lint (linters->pdata[i], s, size, &result, &pos, &len));
          REQUIRE (result == MAR_GS1_LINT_OK || pos + len <= size);
        }
    }
  return 0;
}
