/* mar-barcode.c — what a scan says, independent of how it was read
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The scan's shape (symbology identifier, GS1 or plain) is decided here;
 * GS1 data is handed to mar-gs1.c. Checks that concern the bytes themselves
 * (length, NUL, UTF-8, control characters) come first, so that nothing
 * later ever sees them.
 */

#define G_LOG_DOMAIN "mar-barcode"

#include "config.h"

#include "mar-barcode.h"

#include <string.h>

#include <glib/gi18n-lib.h>

#include "mar-barcode-private.h"
#include "mar-gs1.h"

#define GS '\x1d'

G_DEFINE_QUARK (mar-barcode-error-quark, mar_barcode_error)

struct _MarScan
{
  gatomicrefcount  ref_count;
  MarScanSyntax    syntax;
  MarScanSource    source;
  char            *symbology;
  char            *data;
  char            *display;
  char            *identifier;
  gboolean         has_mrn_prefix;
  GArray          *elements;        /* MarGs1Element, GS1 only */
  GPtrArray       *ais;             /* AI codes, borrowed from the dictionary */
  char            *ndc;
  gboolean         has_expiry_date;
  GDate            expiry_date;
  gboolean         has_expiry_time;
  int              expiry_time[5];  /* year, month, day, hour, minute */
};

typedef enum
{
  KIND_GS1,           /* an element string */
  KIND_PLAIN,         /* a Digital Link URI or a plain identifier */
  KIND_EAN13,         /* EAN-13, UPC-A (12 digits), UPC-E (8 digits) */
  KIND_EAN8,
} SymbologyKind;

/* ISO/IEC 15424 symbology identifiers we accept. */
static const struct
{
  char          id[4];
  SymbologyKind kind;
} symbologies[] = {
  { "]C0", KIND_PLAIN },  /* Code 128 */
  { "]C1", KIND_GS1 },    /* GS1-128 */
  { "]d1", KIND_PLAIN },  /* Data Matrix */
  { "]d2", KIND_GS1 },    /* GS1 DataMatrix */
  { "]d7", KIND_PLAIN },  /* Data Matrix DMRE (zxing-cpp: modifier + 6) */
  { "]d8", KIND_GS1 },    /* GS1 DataMatrix DMRE (zxing-cpp: modifier + 6) */
  { "]Q1", KIND_PLAIN },  /* QR Code */
  { "]Q3", KIND_GS1 },    /* GS1 QR Code */
  { "]e0", KIND_GS1 },    /* GS1 DataBar and Composite */
  { "]J0", KIND_PLAIN },  /* DotCode */
  { "]J1", KIND_GS1 },    /* GS1 DotCode */
  { "]A0", KIND_PLAIN },  /* Code 39 */
  { "]E0", KIND_EAN13 },  /* EAN-13, UPC-A, UPC-E */
  { "]E4", KIND_EAN8 },   /* EAN-8 */
};

static MarScan *
mar_scan_new (void)
{
  MarScan *scan = g_new0 (MarScan, 1);

  g_atomic_ref_count_init (&scan->ref_count);
  scan->source = MAR_SCAN_SOURCE_SCANNER;
  return scan;
}

MarScan *
mar_scan_ref (MarScan *scan)
{
  g_return_val_if_fail (scan != NULL, NULL);

  g_atomic_ref_count_inc (&scan->ref_count);
  return scan;
}

void
mar_scan_unref (MarScan *scan)
{
  g_return_if_fail (scan != NULL);

  if (!g_atomic_ref_count_dec (&scan->ref_count))
    return;
  g_free (scan->symbology);
  g_free (scan->data);
  g_free (scan->display);
  g_free (scan->identifier);
  g_clear_pointer (&scan->elements, g_array_unref);
  g_clear_pointer (&scan->ais, g_ptr_array_unref);
  g_free (scan->ndc);
  g_free (scan);
}

static inline gboolean
is_digit (char c)
{
  return c >= '0' && c <= '9';
}

static gboolean
all_digits (const char *s,
            gsize       len)
{
  for (gsize i = 0; i < len; i++)
    if (!is_digit (s[i]))
      return FALSE;
  return TRUE;
}

/* Control characters (and invisible formatting ones) have no place in an
 * identifier; GS is the FNC1 of GS1 element strings only. */
static gboolean
check_characters (const char  *data,
                  gsize        len,
                  gboolean     gs_allowed,
                  GError     **error)
{
  gsize n = 0;

  for (const char *p = data; p < data + len; p = g_utf8_next_char (p), n++)
    {
      gunichar c = g_utf8_get_char (p);

      if (!g_unichar_iscntrl (c) && g_unichar_type (c) != G_UNICODE_FORMAT)
        continue;
      if (c == (gunichar) GS && gs_allowed)
        continue;
      if (c == (gunichar) GS)
        g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_CONTROL_CHARACTER,
                     _("The scan holds a GS1 separator (GS) at character %zu but is not marked as GS1 data: "
                       "the scanner may need to send symbology identifiers."), n + 1);
      else if (c < 0x80)
        g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_CONTROL_CHARACTER,
                     _("The scan holds control character 0x%02X at character %zu."), c, n + 1);
      else
        g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_CONTROL_CHARACTER,
                     _("The scan holds invisible character U+%04X at character %zu."), c, n + 1);
      return FALSE;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------
 * Plain identifiers
 * ------------------------------------------------------------------------ */

static gboolean
parse_plain (MarScan              *scan,
             const char           *body,
             gsize                 len,
             const MarScanOptions *options,
             GError              **error)
{
  const char *id = body;
  gsize id_len = len;

  if (!check_characters (body, len, FALSE, error))
    return FALSE;
  if (options->mrn_prefix != NULL && *options->mrn_prefix != '\0')
    {
      gsize prefix_len = strlen (options->mrn_prefix);

      if (len >= prefix_len && memcmp (body, options->mrn_prefix, prefix_len) == 0)
        {
          id += prefix_len;
          id_len -= prefix_len;
          scan->has_mrn_prefix = TRUE;
          if (id_len == 0)
            {
              g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_EMPTY,
                           _("The wristband barcode holds only its prefix “%s”, no number."),
                           options->mrn_prefix);
              return FALSE;
            }
        }
    }
  scan->syntax = MAR_SCAN_SYNTAX_PLAIN;
  scan->data = g_strndup (body, len);
  scan->display = g_strndup (body, len);
  scan->identifier = g_strndup (id, id_len);
  return TRUE;
}

/* ------------------------------------------------------------------------
 * GS1
 * ------------------------------------------------------------------------ */

/* GS1 data with FNC1 as GS: a wedge scanner that cannot type GS sends
 * the configured character instead. */
static GString *
with_gs_separators (const char           *body,
                    gsize                 len,
                    const MarScanOptions *options)
{
  GString *data = g_string_sized_new (len);

  for (const char *c = body; c < body + len; c = g_utf8_next_char (c))
    {
      if (options->gs_replacement != 0 && g_utf8_get_char (c) == options->gs_replacement)
        g_string_append_c (data, GS);
      else
        g_string_append_len (data, c, g_utf8_next_char (c) - c);
    }
  return data;
}

/* An element string, FNC1 in first position dropped if it was sent. */
static gboolean
parse_elements (GArray      *elements,
                const char  *data,
                gsize        len,
                MarGs1Lint  *lint,
                GError     **error)
{
  if (len > 0 && data[0] == GS)
    {
      data++;
      len--;
    }
  return mar_gs1_parse_element_string (elements, data, len, lint, error);
}

static gboolean
parse_element_string (MarScan              *scan,
                      const char           *body,
                      gsize                 len,
                      const MarScanOptions *options,
                      MarGs1Lint           *lint,
                      GError              **error)
{
  g_autoptr(GString) data = NULL;

  if (!check_characters (body, len, TRUE, error))
    return FALSE;
  data = with_gs_separators (body, len, options);
  scan->data = g_strndup (data->str, data->len);
  return parse_elements (scan->elements, data->str, data->len, lint, error);
}

/* UPC-E (number systems 0 and 1) to the UPC-A it stands for: GS1 General
 * Specifications 5.2.2.4.2, zero suppression. */
static gboolean
upce_to_upca (const char *e,
              char        a[13])
{
  const char *d = e + 1;
  char manufacturer[6], item[6];

  if (e[0] != '0' && e[0] != '1')
    return FALSE;
  switch (d[5])
    {
    case '0': case '1': case '2':
      memcpy (manufacturer, (char[]) { d[0], d[1], d[5], '0', '0' }, 5);
      memcpy (item, (char[]) { '0', '0', d[2], d[3], d[4] }, 5);
      break;
    case '3':
      memcpy (manufacturer, (char[]) { d[0], d[1], d[2], '0', '0' }, 5);
      memcpy (item, (char[]) { '0', '0', '0', d[3], d[4] }, 5);
      break;
    case '4':
      memcpy (manufacturer, (char[]) { d[0], d[1], d[2], d[3], '0' }, 5);
      memcpy (item, (char[]) { '0', '0', '0', '0', d[4] }, 5);
      break;
    default:
      memcpy (manufacturer, d, 5);
      memcpy (item, (char[]) { '0', '0', '0', '0', d[5] }, 5);
      break;
    }
  a[0] = e[0];
  memcpy (a + 1, manufacturer, 5);
  memcpy (a + 6, item, 5);
  a[11] = e[7];
  a[12] = '\0';
  return TRUE;
}

/* EAN/UPC: a GTIN, maybe followed by the 2D component of a GS1 Composite
 * ("|]e0…" as the GS1 Syntax Engine writes it, or "]e0…" directly). */
static gboolean
parse_retail (MarScan              *scan,
              const char           *scanned,
              gsize                 scanned_len,
              gboolean              ean8,
              const MarScanOptions *options,
              MarGs1Lint           *lint,
              GError              **error)
{
  g_autoptr(GString) data = NULL;
  g_autofree char *digits = NULL;
  g_autofree char *gtin = NULL;
  const char *composite = NULL, *body;
  gsize n = 0, composite_len = 0, len;
  char upca[13];

  if (!check_characters (scanned, scanned_len, TRUE, error))
    return FALSE;
  data = with_gs_separators (scanned, scanned_len, options);
  body = data->str;
  len = data->len;
  while (n < len && is_digit (body[n]))
    n++;
  if (n < len)
    {
      if (len - n >= 4 && memcmp (body + n, "|]e0", 4) == 0)
        composite = body + n + 4;
      else if (len - n >= 3 && memcmp (body + n, "]e0", 3) == 0)
        composite = body + n + 3;
      else
        {
          g_autofree char *shown = mar_gs1_printable (body + n, 1);

          g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_BAD_CHARACTER,
                       _("An EAN/UPC barcode holds only digits; character %zu is “%s”."), n + 1, shown);
          return FALSE;
        }
      composite_len = len - (gsize) (composite - body);
    }

  digits = g_strndup (body, n);
  if (ean8 && n != 8)
    {
      g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_FORMAT,
                   _("An EAN-8 barcode holds 8 digits, this one %zu."), n);
      return FALSE;
    }
  if (!ean8 && n != 13 && n != 12 && n != 8)
    {
      g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_FORMAT,
                   _("An EAN-13 or UPC barcode holds 13, 12 or 8 digits, this one %zu."), n);
      return FALSE;
    }
  if (!ean8 && n == 8)
    {
      /* ]E0 with 8 digits is a UPC-E (zxing-cpp reports it so). */
      if (!upce_to_upca (digits, upca))
        {
          g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_FORMAT,
                       _("UPC-E barcode %s: number system %c does not exist."), digits, digits[0]);
          return FALSE;
        }
      if ((gtin = mar_gtin_normalize (upca, error)) == NULL)
        return FALSE;
    }
  else if ((gtin = mar_gtin_normalize (digits, error)) == NULL)
    return FALSE;
  if (!mar_gs1_elements_add (scan->elements, "01", gtin, 14, lint, error))
    return FALSE;

  scan->data = g_strndup (body, len);
  if (composite != NULL)
    return parse_elements (scan->elements, composite, composite_len, lint, error);
  return TRUE;
}

/* GS1 General Specifications 7.12: a two-digit year YY lies within −49 and
 * +50 years of the reference year. */
static int
resolve_year (int yy,
              int reference_year)
{
  int century = reference_year / 100 * 100;
  int diff = yy - reference_year % 100;

  if (diff >= 51)
    return century - 100 + yy;
  if (diff <= -50)
    return century + 100 + yy;
  return century + yy;
}

static int
two_digits (const char *s)
{
  return (s[0] - '0') * 10 + (s[1] - '0');
}

/* The linter accepted YYMMDD without knowing the century; the resolved
 * date must exist too (29 February 2100 does not). */
static gboolean
resolve_date (const MarGs1Element *e,
              int                  reference_year,
              gboolean             day_zero_is_month_end,
              GDate               *date,
              GError             **error)
{
  int year = resolve_year (two_digits (e->value), reference_year);
  int month = two_digits (e->value + 2);
  int day = two_digits (e->value + 4);

  if (day == 0 && day_zero_is_month_end)
    day = g_date_get_days_in_month ((GDateMonth) month, (GDateYear) year);
  if (!g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year))
    {
      g_autofree char *reason = g_strdup_printf (_("%d-%02d-%02d does not exist"), year, month, day);
      g_autofree char *shown = mar_gs1_printable (e->value, e->value_len);

      g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_BAD_DATE, _("%s (%s) %s: %s"),
                   mar_gs1_ai_get_name (e->ai), mar_gs1_ai_get_code (e->ai), shown, reason);
      return FALSE;
    }
  g_date_clear (date, 1);
  g_date_set_dmy (date, (GDateDay) day, (GDateMonth) month, (GDateYear) year);
  return TRUE;
}

static gboolean
finish_gs1 (MarScan              *scan,
            const MarScanOptions *options,
            GError              **error)
{
  g_autoptr(GDateTime) reference = g_date_time_new_from_unix_utc (options->reference_time);
  const MarGs1Element *e;
  int reference_year;

  if (!mar_gs1_validate_associations (scan->elements, error))
    return FALSE;

  g_assert (reference != NULL);   /* checked on entry */
  reference_year = g_date_time_get_year (reference);
  scan->syntax = MAR_SCAN_SYNTAX_GS1;
  scan->ais = g_ptr_array_sized_new (scan->elements->len);
  for (guint i = 0; i < scan->elements->len; i++)
    g_ptr_array_add (scan->ais, (gpointer) mar_gs1_ai_get_code (g_array_index (scan->elements, MarGs1Element, i).ai));

  /* A GTIN-12 of number system 3 carries a US NDC: "3" + NDC10 + check. */
  if ((e = mar_gs1_elements_find (scan->elements, "01")) != NULL && strncmp (e->value, "003", 3) == 0)
    scan->ndc = g_strndup (e->value + 3, 10);

  /* (17): the last day of use; DD = 00 is the end of the month (GS1
   * General Specifications 3.4.7). */
  if ((e = mar_gs1_elements_find (scan->elements, "17")) != NULL)
    {
      if (!resolve_date (e, reference_year, TRUE, &scan->expiry_date, error))
        return FALSE;
      scan->has_expiry_date = TRUE;
    }

  /* (7003): YYMMDDHHMM, local wall-clock time. */
  if ((e = mar_gs1_elements_find (scan->elements, "7003")) != NULL)
    {
      GDate date;

      if (!resolve_date (e, reference_year, FALSE, &date, error))
        return FALSE;
      scan->has_expiry_time = TRUE;
      scan->expiry_time[0] = g_date_get_year (&date);
      scan->expiry_time[1] = g_date_get_month (&date);
      scan->expiry_time[2] = g_date_get_day (&date);
      scan->expiry_time[3] = two_digits (e->value + 6);
      scan->expiry_time[4] = two_digits (e->value + 8);
    }

  scan->display = mar_gs1_elements_to_bracketed (scan->elements);
  return TRUE;
}

/* ------------------------------------------------------------------------
 * The entry point
 * ------------------------------------------------------------------------ */

MarScan *
mar_scan_parse_with_lint (const char           *data,
                          gssize                length,
                          const MarScanOptions *options,
                          MarGs1Lint           *lint,
                          GError              **error)
{
  g_autoptr(MarScan) scan = NULL;
  SymbologyKind kind = KIND_PLAIN;
  const char *body, *bad;
  gsize len, body_len;
  gboolean identified = FALSE, ok;

  g_return_val_if_fail (data != NULL || length <= 0, NULL);
  g_return_val_if_fail (options != NULL, NULL);
  g_return_val_if_fail (options->gs_replacement == 0 ||
                        (g_unichar_validate (options->gs_replacement) &&
                         !g_unichar_isalnum (options->gs_replacement) &&
                         !g_unichar_iscntrl (options->gs_replacement)), NULL);
  /* Years 1..9999: what GDateTime can represent. */
  g_return_val_if_fail (options->reference_time >= G_GINT64_CONSTANT (-62135596800) &&
                        options->reference_time <= G_GINT64_CONSTANT (253402300799), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (lint != NULL)
    *lint = MAR_GS1_LINT_OK;
  if (data == NULL)
    data = "";
  len = length < 0 ? strlen (data) : (gsize) length;

  if (len > MAR_SCAN_MAX_LENGTH)
    {
      g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_INPUT_TOO_LONG,
                   _("The scan is %zu bytes long; no barcode this terminal reads holds more than %d."),
                   len, MAR_SCAN_MAX_LENGTH);
      return NULL;
    }
  if ((bad = memchr (data, '\0', len)) != NULL)
    {
      g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_EMBEDDED_NUL,
                   _("The scan holds a NUL byte at position %zu."), (gsize) (bad - data) + 1);
      return NULL;
    }
  /* The scanner's CR/LF terminator. */
  while (len > 0 && (data[len - 1] == '\n' || data[len - 1] == '\r'))
    len--;
  if (len == 0)
    {
      g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_EMPTY, _("Nothing was scanned."));
      return NULL;
    }
  if (!g_utf8_validate_len (data, len, &bad))
    {
      g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_NOT_UTF8,
                   _("The scan holds bytes that are not text (UTF-8) at position %zu."),
                   (gsize) (bad - data) + 1);
      return NULL;
    }

  scan = mar_scan_new ();
  scan->elements = mar_gs1_elements_new ();
  body = data;
  body_len = len;

  if (data[0] == ']')
    {
      if (len < 3)
        {
          g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_SYMBOLOGY,
                       _("The scan starts with an incomplete symbology identifier."));
          return NULL;
        }
      for (guint i = 0; i < G_N_ELEMENTS (symbologies) && !identified; i++)
        if (memcmp (data, symbologies[i].id, 3) == 0)
          {
            kind = symbologies[i].kind;
            identified = TRUE;
          }
      if (!identified)
        {
          g_autofree char *shown = mar_gs1_printable (data, MIN (len, 3));

          g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_SYMBOLOGY,
                       _("Barcodes of this type (symbology identifier %s) are not accepted."), shown);
          return NULL;
        }
      scan->symbology = g_strndup (data, 3);
      body = data + 3;
      body_len = len - 3;
      if (body_len == 0)
        {
          g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_EMPTY, _("The barcode holds no data."));
          return NULL;
        }
    }

  if (identified && kind == KIND_GS1)
    ok = parse_element_string (scan, body, body_len, options, lint, error) &&
         finish_gs1 (scan, options, error);
  else if (identified && (kind == KIND_EAN13 || kind == KIND_EAN8))
    ok = parse_retail (scan, body, body_len, kind == KIND_EAN8, options, lint, error) &&
         finish_gs1 (scan, options, error);
  else if (!identified &&
           (body[0] == GS ||
            (options->gs_replacement != 0 && g_utf8_get_char (body) == options->gs_replacement)))
    ok = parse_element_string (scan, body, body_len, options, lint, error) &&
         finish_gs1 (scan, options, error);
  else if (!identified && body[0] == '(')
    {
      ok = check_characters (body, body_len, FALSE, error) &&
           mar_gs1_parse_bracketed (scan->elements, body, body_len, lint, error);
      if (ok)
        scan->data = g_strndup (body, body_len);
      ok = ok && finish_gs1 (scan, options, error);
    }
  else if (mar_gs1_is_digital_link (body, body_len))
    {
      ok = check_characters (body, body_len, FALSE, error) &&
           mar_gs1_parse_digital_link (scan->elements, body, body_len, lint, error);
      if (ok)
        scan->data = g_strndup (body, body_len);
      ok = ok && finish_gs1 (scan, options, error);
    }
  else
    {
      g_clear_pointer (&scan->elements, g_array_unref);
      ok = parse_plain (scan, body, body_len, options, error);
    }

  if (!ok)
    return NULL;
  return g_steal_pointer (&scan);
}

MarScan *
mar_scan_parse (const char           *data,
                gssize                length,
                const MarScanOptions *options,
                GError              **error)
{
  return mar_scan_parse_with_lint (data, length, options, NULL, error);
}

/* ------------------------------------------------------------------------
 * Getters
 * ------------------------------------------------------------------------ */

MarScanSyntax
mar_scan_get_syntax (const MarScan *scan)
{
  g_return_val_if_fail (scan != NULL, 0);

  return scan->syntax;
}

MarScanSource
mar_scan_get_source (const MarScan *scan)
{
  g_return_val_if_fail (scan != NULL, MAR_SCAN_SOURCE_SCANNER);

  return scan->source;
}

void
mar_scan_set_source (MarScan       *scan,
                     MarScanSource  source)
{
  g_return_if_fail (scan != NULL);

  scan->source = source;
}

const char *
mar_scan_get_symbology (const MarScan *scan)
{
  g_return_val_if_fail (scan != NULL, NULL);

  return scan->symbology;
}

const char *
mar_scan_get_data (const MarScan *scan)
{
  g_return_val_if_fail (scan != NULL, NULL);

  return scan->data;
}

const char *
mar_scan_get_display (const MarScan *scan)
{
  g_return_val_if_fail (scan != NULL, NULL);

  return scan->display;
}

const char *
mar_scan_get_identifier (const MarScan *scan)
{
  g_return_val_if_fail (scan != NULL, NULL);

  return scan->identifier;
}

gboolean
mar_scan_has_mrn_prefix (const MarScan *scan)
{
  g_return_val_if_fail (scan != NULL, FALSE);

  return scan->has_mrn_prefix;
}

GArray *
mar_scan_get_elements (const MarScan *scan)
{
  g_return_val_if_fail (scan != NULL, NULL);

  return scan->elements;
}

const char *
mar_scan_get_ai (const MarScan *scan,
                 const char    *ai)
{
  const MarGs1Element *e;

  g_return_val_if_fail (scan != NULL, NULL);
  g_return_val_if_fail (ai != NULL, NULL);

  if (scan->elements == NULL || (e = mar_gs1_elements_find (scan->elements, ai)) == NULL)
    return NULL;
  return e->value;
}

GPtrArray *
mar_scan_get_ais (const MarScan *scan)
{
  g_return_val_if_fail (scan != NULL, NULL);

  return scan->ais;
}

const char *
mar_scan_get_gtin (const MarScan *scan)
{
  return mar_scan_get_ai (scan, "01");
}

const char *
mar_scan_get_ndc (const MarScan *scan)
{
  g_return_val_if_fail (scan != NULL, NULL);

  return scan->ndc;
}

const char *
mar_scan_get_lot (const MarScan *scan)
{
  return mar_scan_get_ai (scan, "10");
}

const char *
mar_scan_get_serial (const MarScan *scan)
{
  return mar_scan_get_ai (scan, "21");
}

const char *
mar_scan_get_gsrn (const MarScan *scan)
{
  return mar_scan_get_ai (scan, "8018");
}

gboolean
mar_scan_get_expiry_date (const MarScan *scan,
                          GDate         *date)
{
  g_return_val_if_fail (scan != NULL, FALSE);
  g_return_val_if_fail (date != NULL, FALSE);

  if (!scan->has_expiry_date)
    return FALSE;
  *date = scan->expiry_date;
  return TRUE;
}

gboolean
mar_scan_get_expiry_time (const MarScan *scan,
                          int           *year,
                          int           *month,
                          int           *day,
                          int           *hour,
                          int           *minute)
{
  g_return_val_if_fail (scan != NULL, FALSE);

  if (!scan->has_expiry_time)
    return FALSE;
  if (year != NULL)
    *year = scan->expiry_time[0];
  if (month != NULL)
    *month = scan->expiry_time[1];
  if (day != NULL)
    *day = scan->expiry_time[2];
  if (hour != NULL)
    *hour = scan->expiry_time[3];
  if (minute != NULL)
    *minute = scan->expiry_time[4];
  return TRUE;
}

/* ------------------------------------------------------------------------
 * GTIN and NDC
 * ------------------------------------------------------------------------ */

gboolean
mar_gs1_check_digit_valid (const char *digits)
{
  gsize len;

  g_return_val_if_fail (digits != NULL, FALSE);

  len = strlen (digits);
  if (len < 2 || !all_digits (digits, len))
    return FALSE;
  return mar_gs1_compute_check_digit (digits, len - 1) == digits[len - 1];
}

char *
mar_gtin_normalize (const char  *gtin,
                    GError     **error)
{
  g_autofree char *shown = NULL;
  gsize len;
  char check;

  g_return_val_if_fail (gtin != NULL, NULL);

  len = strlen (gtin);
  shown = mar_gs1_printable (gtin, len);
  for (gsize i = 0; i < len; i++)
    if (!is_digit (gtin[i]))
      {
        g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_BAD_CHARACTER,
                     _("GTIN %s: character %zu is not a digit."), shown, i + 1);
        return NULL;
      }
  if (len != 8 && len != 12 && len != 13 && len != 14)
    {
      g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_FORMAT,
                   _("GTIN %s: a GTIN has 8, 12, 13 or 14 digits, not %zu."), shown, len);
      return NULL;
    }
  if ((check = mar_gs1_compute_check_digit (gtin, len - 1)) != gtin[len - 1])
    {
      g_set_error (error, MAR_BARCODE_ERROR, MAR_BARCODE_ERROR_CHECK_DIGIT,
                   _("GTIN %s: check digit should be %c."), shown, check);
      return NULL;
    }
  /* GTIN-8/12/13 are GTIN-14 with leading zeros (GS1 General
   * Specifications 3.3.2): the check digit stays valid. */
  return g_strdup_printf ("%014" G_GINT64_MODIFIER "u", g_ascii_strtoull (gtin, NULL, 10));
}

/* Splits "0338-0048-04" into its digit segments; FALSE unless there are
 * exactly three, all digits, none empty. */
static gboolean
split_ndc (const char *ndc,
           const char *seg[3],
           gsize       lens[3])
{
  const char *p = ndc;

  for (guint i = 0; i < 3; i++)
    {
      const char *end = strchr (p, '-');

      if (end == NULL)
        end = p + strlen (p);
      if ((end - p) == 0 || !all_digits (p, (gsize) (end - p)) || (i < 2) != (*end == '-'))
        return FALSE;
      seg[i] = p;
      lens[i] = (gsize) (end - p);
      p = end + (*end == '-');
    }
  return *p == '\0';
}

/* An 11-digit NDC (5-4-2) is a 10-digit one with a zero put in front of the
 * short segment: at 0 (from 4-4-2), 5 (from 5-3-2) or 9 (from 5-4-1). Only
 * when exactly one of those places holds a zero is the source known. */
static char *
unpad_ndc11 (const char *d)
{
  static const guint places[] = { 0, 5, 9 };
  gint found = -1;

  for (guint i = 0; i < G_N_ELEMENTS (places); i++)
    if (d[places[i]] == '0')
      {
        if (found >= 0)
          return NULL;
        found = (gint) places[i];
      }
  if (found < 0)
    return NULL;
  {
    GString *out = g_string_new_len (d, found);

    g_string_append (out, d + found + 1);
    return g_string_free (out, FALSE);
  }
}

char *
mar_ndc_to_ndc10 (const char *ndc)
{
  const char *seg[3];
  gsize lens[3], len;
  char digits[12];

  g_return_val_if_fail (ndc != NULL, NULL);

  len = strlen (ndc);
  if (strchr (ndc, '-') == NULL)
    {
      if (len == 10 && all_digits (ndc, len))
        return g_strdup (ndc);
      if (len == 11 && all_digits (ndc, len))
        return unpad_ndc11 (ndc);
      return NULL;
    }
  if (!split_ndc (ndc, seg, lens))
    return NULL;
  g_snprintf (digits, sizeof digits, "%.*s%.*s%.*s", (int) lens[0], seg[0], (int) lens[1], seg[1],
              (int) lens[2], seg[2]);
  if ((lens[0] == 4 && lens[1] == 4 && lens[2] == 2) ||
      (lens[0] == 5 && lens[1] == 3 && lens[2] == 2) ||
      (lens[0] == 5 && lens[1] == 4 && lens[2] == 1))
    return g_strdup (digits);
  if (lens[0] == 5 && lens[1] == 4 && lens[2] == 2)
    return unpad_ndc11 (digits);
  return NULL;
}

char *
mar_ndc_to_ndc11 (const char *ndc)
{
  const char *seg[3];
  gsize lens[3], len;

  g_return_val_if_fail (ndc != NULL, NULL);

  len = strlen (ndc);
  if (strchr (ndc, '-') == NULL)
    {
      /* 11 digits must hold a padding zero somewhere it can be. */
      if (len == 11 && all_digits (ndc, len) && (ndc[0] == '0' || ndc[5] == '0' || ndc[9] == '0'))
        return g_strdup (ndc);
      return NULL;
    }
  if (!split_ndc (ndc, seg, lens))
    return NULL;
  if (lens[0] == 4 && lens[1] == 4 && lens[2] == 2)
    return g_strdup_printf ("0%.4s%.4s%.2s", seg[0], seg[1], seg[2]);
  if (lens[0] == 5 && lens[1] == 3 && lens[2] == 2)
    return g_strdup_printf ("%.5s0%.3s%.2s", seg[0], seg[1], seg[2]);
  if (lens[0] == 5 && lens[1] == 4 && lens[2] == 1)
    return g_strdup_printf ("%.5s%.4s0%.1s", seg[0], seg[1], seg[2]);
  if (lens[0] == 5 && lens[1] == 4 && lens[2] == 2 &&
      (seg[0][0] == '0' || seg[1][0] == '0' || seg[2][0] == '0'))
    return g_strdup_printf ("%.5s%.4s%.2s", seg[0], seg[1], seg[2]);
  return NULL;
}
