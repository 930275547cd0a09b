/* mar-label-sheet.c — the printable label sheet of a ward, from its spec
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-label-sheet"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "mar-label-sheet.h"

static void add_line_printf (MarLabel   *label,
                             const char *format,
                             ...) G_GNUC_PRINTF (2, 3);

static void
add_line_printf (MarLabel   *label,
                 const char *format,
                 ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  mar_label_add_line (label, text);
}

static gboolean
symbology_from_name (const char   *name,
                     MarSymbology *symbology)
{
  static const struct { const char *name; MarSymbology symbology; } names[] = {
    { "gs1-datamatrix", MAR_SYMBOL_GS1_DATAMATRIX },
    { "datamatrix", MAR_SYMBOL_DATAMATRIX },
    { "code128", MAR_SYMBOL_CODE128 },
    { "gs1-128", MAR_SYMBOL_GS1_128 },
    { "qr", MAR_SYMBOL_QR },
    { "gs1-qr", MAR_SYMBOL_GS1_QR },
    { "pdf417", MAR_SYMBOL_PDF417 },
    { "gs1-databar-expanded", MAR_SYMBOL_GS1_DATABAR_EXPANDED },
    { "ean13", MAR_SYMBOL_EAN13 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (name, names[i].name) == 0)
      {
        *symbology = names[i].symbology;
        return TRUE;
      }
  return FALSE;
}

/* The spec writes GS1 data in the human "(01)…" form; zint takes "[01]…". */
static char *
zint_gs1_data (const char *data)
{
  GString *out = g_string_new (NULL);

  for (const char *p = data; *p != '\0'; p++)
    {
      if (*p == '(' && g_ascii_isdigit (p[1]))
        g_string_append_c (out, '[');
      else if (*p == ')' && p > data && g_ascii_isdigit (p[-1]))
        g_string_append_c (out, ']');
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static gboolean
is_gs1 (MarSymbology symbology)
{
  return symbology == MAR_SYMBOL_GS1_DATAMATRIX || symbology == MAR_SYMBOL_GS1_128 ||
         symbology == MAR_SYMBOL_GS1_QR || symbology == MAR_SYMBOL_GS1_DATABAR_EXPANDED;
}

static gboolean
add_symbol (MarLabel    *label,
            const char  *symbology_name,
            const char  *data,
            const char  *where,
            GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *encoded = NULL;
  MarSymbology symbology;

  if (!symbology_from_name (symbology_name, &symbology) || data == NULL)
    {
      g_set_error (error, MAR_LABEL_ERROR, MAR_LABEL_ERROR_INVALID_DATA,
                   _("%s: unknown symbology \"%s\" or no data"), where,
                   symbology_name != NULL ? symbology_name : "");
      return FALSE;
    }
  encoded = is_gs1 (symbology) ? zint_gs1_data (data) : g_strdup (data);
  if (!mar_label_add_symbol (label, symbology, encoded, &local_error))
    {
      g_set_error (error, MAR_LABEL_ERROR, local_error->code, "%s: %s", where, local_error->message);
      return FALSE;
    }
  return TRUE;
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = json_object_get_member (object, name);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static char *
format_date (gint64     t,
             GTimeZone *tz,
             gboolean   with_time)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (dt, tz);

  return g_date_time_format (local, with_time ? "%Y-%m-%d %H:%M" : "%Y-%m-%d");
}

static JsonArray *
array_member (JsonObject *root,
              const char *name)
{
  JsonNode *node = json_object_get_member (root, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static MarLabel *
wristband (JsonObject  *spec,
           guint        index,
           GError     **error)
{
  g_autoptr(MarLabel) label = NULL;
  g_autofree char *where = g_strdup_printf ("wristbands[%u]", index);
  const char *bed = member_string (spec, "bed");
  JsonArray *symbols = array_member (spec, "symbols");

  label = mar_label_new (MAR_LABEL_WRISTBAND, member_string (spec, "name"));
  add_line_printf (label, _("Born %s · MRN %s%s%s"),
                                              member_string (spec, "birth_date"),
                                              member_string (spec, "mrn"),
                                              bed != NULL ? " · " : "", bed != NULL ? bed : "");
  if (json_object_has_member (spec, "allergy_band") && json_object_get_boolean_member (spec, "allergy_band"))
    mar_label_add_line (label, _("ALLERGIES: see the record"));
  for (guint i = 0; symbols != NULL && i < json_array_get_length (symbols); i++)
    {
      JsonObject *symbol = json_array_get_object_element (symbols, i);

      if (!add_symbol (label, member_string (symbol, "symbology"), member_string (symbol, "data"), where, error))
        return NULL;
    }
  return g_steal_pointer (&label);
}

static MarLabel *
iv_bag (JsonObject  *spec,
        guint        index,
        gint64       now,
        GTimeZone   *tz,
        GError     **error)
{
  g_autoptr(MarLabel) label = mar_label_new (MAR_LABEL_IV_BAG, member_string (spec, "title"));
  g_autofree char *where = g_strdup_printf ("iv_bags[%u]", index);
  g_autofree char *data = NULL;
  g_autofree char *expiry_text = NULL;
  gint64 days = json_object_get_int_member_with_default (spec, "expiry_days", 365);
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (now);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);
  g_autoptr(GDateTime) expiry = g_date_time_add_days (local, (int) days);

  /* GS1 (17) is YYMMDD, the last day of use. */
  data = g_strdup_printf ("(01)%s(17)%02d%02d%02d(10)%s(21)%s", member_string (spec, "gtin"),
                          g_date_time_get_year (expiry) % 100, g_date_time_get_month (expiry),
                          g_date_time_get_day_of_month (expiry), member_string (spec, "lot"),
                          member_string (spec, "serial"));
  expiry_text = g_date_time_format (expiry, "%Y-%m-%d");
  add_line_printf (label, _("Lot %s · Exp %s · SN %s"), member_string (spec, "lot"),
                                              expiry_text, member_string (spec, "serial"));
  if (days < 0)
    mar_label_add_line (label, _("EXPIRED BAG (demo: PRODUCT_EXPIRED)"));
  if (!add_symbol (label, member_string (spec, "symbology") != NULL ? member_string (spec, "symbology")
                                                                    : "gs1-datamatrix",
                   data, where, error))
    return NULL;
  return g_steal_pointer (&label);
}

static MarLabel *
pharmacy_bag (JsonObject  *spec,
              guint        index,
              gint64       now,
              GTimeZone   *tz,
              GError     **error)
{
  g_autoptr(MarLabel) label = mar_label_new (MAR_LABEL_PHARMACY_BAG, member_string (spec, "drug"));
  g_autofree char *where = g_strdup_printf ("pharmacy_labels[%u]", index);
  g_autofree char *prepared = format_date (now + 60 * json_object_get_int_member_with_default (spec, "prepared_minutes", 0), tz, TRUE);
  g_autofree char *beyond_use = format_date (now + 60 * json_object_get_int_member_with_default (spec, "beyond_use_minutes", 0), tz, TRUE);

  add_line_printf (label, "%s · MRN %s · %s", member_string (spec, "patient"),
                                              member_string (spec, "mrn"),
                                              member_string (spec, "bed") != NULL ? member_string (spec, "bed") : "");
  add_line_printf (label, _("Dose %s · %s"), member_string (spec, "dose"),
                                              member_string (spec, "rate"));
  add_line_printf (label, _("Prepared %s · Use by %s"), prepared, beyond_use);
  if (!add_symbol (label, member_string (spec, "symbology"), member_string (spec, "data"), where, error))
    return NULL;
  return g_steal_pointer (&label);
}

static MarLabel *
badge (JsonObject  *spec,
       guint        index,
       GError     **error)
{
  g_autoptr(MarLabel) label = mar_label_new (MAR_LABEL_STAFF_BADGE, member_string (spec, "name"));
  g_autofree char *where = g_strdup_printf ("badges[%u]", index);
  gboolean active = !json_object_has_member (spec, "active") || json_object_get_boolean_member (spec, "active");

  add_line_printf (label, "%s · %s%s", member_string (spec, "role"),
                                              member_string (spec, "badge"),
                                              active ? "" : _(" · INACTIVE"));
  if (!add_symbol (label, member_string (spec, "symbology"), member_string (spec, "data"), where, error))
    return NULL;
  return g_steal_pointer (&label);
}

GPtrArray *
mar_label_sheet_load_spec (const char  *path,
                           gint64       now,
                           GTimeZone   *tz,
                           GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func ((GDestroyNotify) mar_label_free);
  JsonObject *root;
  static const char * const sections[] = { "wristbands", "iv_bags", "pharmacy_labels", "badges" };

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (tz != NULL, NULL);

  if (!json_parser_load_from_mapped_file (parser, path, error))
    return NULL;
  if (!JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)) ||
      g_strcmp0 (member_string (json_node_get_object (json_parser_get_root (parser)), "format"),
                 "bedside-mar-demo-labels") != 0)
    {
      g_set_error (error, MAR_LABEL_ERROR, MAR_LABEL_ERROR_INVALID_DATA,
                   _("%s is not a label spec (format \"bedside-mar-demo-labels\")"), path);
      return NULL;
    }
  root = json_node_get_object (json_parser_get_root (parser));

  for (guint s = 0; s < G_N_ELEMENTS (sections); s++)
    {
      JsonArray *items = array_member (root, sections[s]);

      for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
        {
          JsonObject *spec = json_array_get_object_element (items, i);
          MarLabel *label = NULL;

          if (spec == NULL)
            continue;
          switch (s)
            {
            case 0: label = wristband (spec, i, error); break;
            case 1: label = iv_bag (spec, i, now, tz, error); break;
            case 2: label = pharmacy_bag (spec, i, now, tz, error); break;
            default: label = badge (spec, i, error); break;
            }
          if (label == NULL)
            return NULL;
          g_ptr_array_add (labels, label);
        }
    }
  return g_steal_pointer (&labels);
}

char *
mar_label_sheet_dup_demo_spec_path (void)
{
  g_autofree char *installed = g_build_filename (PKGDATADIR, "demo", "labels.json", NULL);

  if (g_file_test (installed, G_FILE_TEST_IS_REGULAR))
    return g_steal_pointer (&installed);
  return g_build_filename (MAR_SOURCE_ROOT, "data", "demo", "labels.json", NULL);
}
