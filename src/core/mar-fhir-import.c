/* mar-fhir-import.c — load a FHIR R4 file into the cache, all or nothing
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "mar-fhir-import"

#include "config.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "mar-fhir-import.h"
#include "mar-time.h"

G_DEFINE_QUARK (mar-fhir-import-error-quark, mar_fhir_import_error)

/* One unit of work read from the file: a resource to store, or a removal. */
typedef struct
{
  char            *where;     /* "entry[3]", "line 4", or "" for a single resource */
  MarFhirResource *resource;  /* or NULL for a removal */
  char            *remove_type;
  char            *remove_id;
} ImportItem;

static void
import_item_free (ImportItem *item)
{
  g_free (item->where);
  mar_fhir_resource_free (item->resource);
  g_free (item->remove_type);
  g_free (item->remove_id);
  g_free (item);
}

typedef struct
{
  const char                 *name;
  const MarFhirImportOptions *options;
  MarFhirOptions              fhir_options;
  GPtrArray                  *items;     /* (ImportItem) */
  GHashTable                 *full_urls; /* fullUrl → "Type/id" */
  MarFhirImportStats          stats;
} Import;

static void
import_clear (Import *import)
{
  g_clear_pointer (&import->items, g_ptr_array_unref);
  g_clear_pointer (&import->full_urls, g_hash_table_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Import, import_clear)

/* ------------------------------------------------------------------ */
/* Text and JSON                                                       */

static guint
line_of_offset (const char *data,
                gsize       offset)
{
  guint line = 1;

  for (gsize i = 0; i < offset; i++)
    if (data[i] == '\n')
      line++;
  return line;
}

static gboolean
check_utf8 (const char  *data,
            gsize        length,
            const char  *name,
            GError     **error)
{
  g_autofree char *offset = NULL;
  const char *end;

  if (g_utf8_validate_len (data, length, &end))
    return TRUE;

  /* Numbers as text: a format macro cannot be in a translatable string. */
  offset = g_strdup_printf ("%" G_GSIZE_FORMAT, (gsize) (end - data));
  if (*end == '\0')
    g_set_error (error, MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_NOT_UTF8,
                 _("%s contains a NUL byte (line %u, byte %s): it is not a FHIR JSON text "
                   "file; nothing was imported"),
                 name, line_of_offset (data, end - data), offset);
  else
    g_set_error (error, MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_NOT_UTF8,
                 _("%s is not UTF-8 text (line %u, byte %s): FHIR JSON must be UTF-8; nothing "
                   "was imported"),
                 name, line_of_offset (data, end - data), offset);
  return FALSE;
}

static gboolean
is_blank (const char *data,
          gsize       length)
{
  for (gsize i = 0; i < length; i++)
    if (!g_ascii_isspace (data[i]))
      return FALSE;
  return TRUE;
}

/* Where the first top-level object or array of @data ends (just after
 * its closing bracket), or @length when it is not closed. json-glib reads
 * "{…}\n{…}" as its first object and silently drops the rest (leaking it),
 * so the rest is found here, before json-glib sees it. */
static gsize
first_value_end (const char *data,
                 gsize       length)
{
  gsize depth = 0;
  gboolean in_string = FALSE;

  for (gsize i = 0; i < length; i++)
    {
      char c = data[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      switch (c)
        {
        case '"':
          in_string = TRUE;
          break;
        case '{':
        case '[':
          depth++;
          break;
        case '}':
        case ']':
          if (depth == 0 || --depth == 0)
            return i + 1;
          break;
        default:
          if (depth == 0 && !g_ascii_isspace (c))
            return length;  /* a bare value: json-glib judges it */
          break;
        }
    }
  return length;
}

/* Parses one JSON document; @where prefixes messages ("line 4: "). */
static JsonNode *
parse_json (const char  *data,
            gsize        length,
            const char  *name,
            const char  *where,
            GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  gsize end = first_value_end (data, length);
  JsonNode *root;

  if (!is_blank (data + end, length - end))
    {
      g_set_error (error, MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_NOT_JSON,
                   _("%s: %smore text follows the end of the JSON document (line %u): a JSON "
                     "file holds one document (an NDJSON file one resource per line); nothing "
                     "was imported"),
                   name, where, line_of_offset (data, end));
      return NULL;
    }

  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      const char *message = local_error->message;

      /* json-glib says "<data>:3:14: Parse error: …". */
      if (g_str_has_prefix (message, "<data>:"))
        message += strlen ("<data>:");
      g_set_error (error, MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_NOT_JSON,
                   _("%s: %sthe JSON is damaged or cut short (at %s); nothing was imported"),
                   name, where, message);
      return NULL;
    }
  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error (error, MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_EMPTY,
                   _("%s: %sis empty; nothing was imported"), name, where);
      return NULL;
    }
  return json_node_copy (root);
}

static gboolean
has_suffix_nocase (const char *text,
                   const char *suffix)
{
  gsize length = strlen (text), suffix_length = strlen (suffix);

  return length >= suffix_length && g_ascii_strcasecmp (text + length - suffix_length, suffix) == 0;
}

/* NDJSON: named so, or a first line that is a whole JSON object with more
 * lines after it. A pretty-printed JSON file starts with a lone "{". */
static gboolean
looks_like_ndjson (const char *data,
                   gsize       length,
                   const char *name)
{
  const char *line = data, *end = data + length, *newline;
  g_autoptr(JsonParser) parser = NULL;

  if (has_suffix_nocase (name, ".ndjson") || has_suffix_nocase (name, ".jsonl"))
    return TRUE;

  while (line < end && g_ascii_isspace (*line))
    line++;
  newline = memchr (line, '\n', end - line);
  if (line >= end || *line != '{' || newline == NULL || is_blank (newline, end - newline))
    return FALSE;

  parser = json_parser_new ();
  return json_parser_load_from_data (parser, line, newline - line, NULL) &&
         json_parser_get_root (parser) != NULL &&
         JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser));
}

static const char *
resource_type_of (JsonObject *object)
{
  JsonNode *node = json_object_get_member (object, "resourceType");

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static const char *
string_member (JsonObject *object,
               const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

/* ------------------------------------------------------------------ */
/* Reading entries                                                     */

/* Reads one resource into an item; types the terminal does not keep are
 * counted as skipped. */
static gboolean
import_read_resource (Import      *import,
                      const char  *where,
                      JsonObject  *object,
                      GError     **error)
{
  MarFhirResourceType type = mar_fhir_resource_type_from_name (resource_type_of (object));
  g_autoptr(MarFhirResource) resource = NULL;
  ImportItem *item;

  if (type == MAR_FHIR_RESOURCE_UNKNOWN)
    {
      import->stats.skipped++;
      return TRUE;
    }

  resource = mar_fhir_read_resource (object, &import->fhir_options, error);
  if (resource == NULL)
    {
      if (*where != '\0')
        g_prefix_error (error, "%s ", where);
      return FALSE;
    }
  if (resource->ignored)
    {
      import->stats.skipped++;
      return TRUE;
    }

  item = g_new0 (ImportItem, 1);
  item->where = g_strdup (where);
  item->resource = g_steal_pointer (&resource);
  g_ptr_array_add (import->items, item);
  return TRUE;
}

static const char * const importable_bundle_types[] = {
  "collection", "batch", "transaction", "searchset", NULL
};

/* The demo ward's shift (MarFhirImportOptions.shift_to): whole local days
 * from the Bundle's timestamp to the target, then the rest to the minute. */
static gboolean
import_compute_shift (Import      *import,
                      JsonObject  *bundle,
                      GError     **error)
{
  GTimeZone *tz = import->fhir_options.time_zone;
  g_autoptr(GTimeZone) local = tz == NULL ? g_time_zone_new_local () : NULL;
  const char *timestamp = string_member (bundle, "timestamp");
  gint64 anchor, target = import->options->shift_to, moved;
  int y1, m1, d1, y2, m2, d2, h, mi, sec;
  GDate from, to;
  int days;

  if (tz == NULL)
    tz = local;
  if (timestamp == NULL || !mar_time_parse_fhir (timestamp, tz, &anchor, NULL, NULL))
    {
      g_set_error (error, MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_BUNDLE,
                   _("%s: Bundle.timestamp: a bundle moved in time needs a timestamp to move "
                     "from; nothing was imported"), import->name);
      return FALSE;
    }

  mar_time_to_local (tz, anchor, &y1, &m1, &d1, &h, &mi, &sec);
  mar_time_to_local (tz, target, &y2, &m2, &d2, NULL, NULL, NULL);
  g_date_clear (&from, 1);
  g_date_clear (&to, 1);
  g_date_set_dmy (&from, d1, m1, y1);
  g_date_set_dmy (&to, d2, m2, y2);
  days = g_date_days_between (&from, &to);
  moved = mar_time_from_local (tz, y2, m2, d2, h, mi, sec);

  import->fhir_options.shift_seconds = (gint64) days * 86400;
  /* Rounded to the minute: the scenarios' windows are in minutes. */
  import->fhir_options.shift_extra_seconds = (target - moved) / 60 * 60;
  return TRUE;
}

static gboolean
import_read_bundle (Import      *import,
                    JsonObject  *bundle,
                    GError     **error)
{
  const char *type = string_member (bundle, "type");
  gboolean with_requests;
  JsonNode *entries_node;
  JsonArray *entries = NULL;
  guint n_entries;

  if (type == NULL || !g_strv_contains (importable_bundle_types, type))
    {
      g_set_error (error, MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_BUNDLE,
                   _("%s: Bundle.type: \"%s\" cannot be imported (a collection, batch, "
                     "transaction or searchset can); nothing was imported"),
                   import->name, type != NULL ? type : "");
      return FALSE;
    }
  with_requests = strcmp (type, "batch") == 0 || strcmp (type, "transaction") == 0;

  if (import->options->shift_to != 0 &&
      !import_compute_shift (import, bundle, error))
    return FALSE;

  entries_node = json_object_get_member (bundle, "entry");
  if (entries_node != NULL && !JSON_NODE_HOLDS_NULL (entries_node))
    {
      if (!JSON_NODE_HOLDS_ARRAY (entries_node))
        {
          g_set_error (error, MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_NOT_FHIR,
                       _("%s: Bundle.entry: expected a list; nothing was imported"), import->name);
          return FALSE;
        }
      entries = json_node_get_array (entries_node);
    }
  n_entries = entries != NULL ? json_array_get_length (entries) : 0;

  /* First every fullUrl, so references resolve whatever the entry order. */
  for (guint i = 0; i < n_entries; i++)
    {
      JsonNode *node = json_array_get_element (entries, i);
      JsonObject *entry, *resource;
      JsonNode *resource_node;
      const char *full_url, *resource_type, *id;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      entry = json_node_get_object (node);
      full_url = string_member (entry, "fullUrl");
      resource_node = json_object_get_member (entry, "resource");
      if (full_url == NULL || resource_node == NULL || !JSON_NODE_HOLDS_OBJECT (resource_node))
        continue;
      resource = json_node_get_object (resource_node);
      resource_type = resource_type_of (resource);
      id = string_member (resource, "id");
      if (resource_type != NULL && id != NULL)
        g_hash_table_insert (import->full_urls, g_strdup (full_url),
                             g_strdup_printf ("%s/%s", resource_type, id));
    }

  for (guint i = 0; i < n_entries; i++)
    {
      g_autofree char *where = g_strdup_printf ("entry[%u]", i);
      JsonNode *node = json_array_get_element (entries, i);
      JsonObject *entry, *request = NULL;
      JsonNode *resource_node, *request_node;
      const char *method = NULL;

      import->stats.entries++;
      if (!JSON_NODE_HOLDS_OBJECT (node))
        {
          g_set_error (error, MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_NOT_FHIR,
                       _("%s: %s: expected an object; nothing was imported"), import->name, where);
          return FALSE;
        }
      entry = json_node_get_object (node);
      resource_node = json_object_get_member (entry, "resource");
      request_node = json_object_get_member (entry, "request");
      if (request_node != NULL && JSON_NODE_HOLDS_OBJECT (request_node))
        request = json_node_get_object (request_node);
      if (with_requests && request != NULL)
        method = string_member (request, "method");

      if (g_strcmp0 (method, "DELETE") == 0)
        {
          /* FHIR R4 Bundle: a DELETE names what it deletes in request.url.
           * The cache marks it removed (RULES.md: never deleted). */
          const char *url = string_member (request, "url");
          g_autofree char *removed_type = NULL;
          g_autofree char *id = NULL;
          ImportItem *item;

          if (url == NULL || !mar_fhir_parse_reference (url, NULL, &removed_type, &id, NULL))
            {
              g_set_error (error, MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_BUNDLE,
                           _("%s: %s: request.url: \"%s\" does not name one resource (Type/id; "
                             "conditional deletes are not supported); nothing was imported"),
                           import->name, where, url != NULL ? url : "");
              return FALSE;
            }
          if (mar_fhir_resource_type_from_name (removed_type) == MAR_FHIR_RESOURCE_UNKNOWN)
            {
              import->stats.skipped++;
              continue;
            }
          item = g_new0 (ImportItem, 1);
          item->where = g_steal_pointer (&where);
          item->remove_type = g_steal_pointer (&removed_type);
          item->remove_id = g_steal_pointer (&id);
          g_ptr_array_add (import->items, item);
          continue;
        }

      if (g_strcmp0 (method, "PATCH") == 0)
        {
          g_set_error (error, MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_BUNDLE,
                       _("%s: %s: request.method: a PATCH cannot be applied by an import (send "
                         "the whole resource with PUT); nothing was imported"),
                       import->name, where);
          return FALSE;
        }

      if (g_strcmp0 (method, "GET") == 0 || g_strcmp0 (method, "HEAD") == 0 ||
          resource_node == NULL || JSON_NODE_HOLDS_NULL (resource_node))
        {
          /* A read request, or a search entry without a resource: nothing to store. */
          import->stats.skipped++;
          continue;
        }

      if (!JSON_NODE_HOLDS_OBJECT (resource_node) || resource_type_of (json_node_get_object (resource_node)) == NULL)
        {
          g_set_error (error, MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_NOT_FHIR,
                       _("%s: %s.resource: not a FHIR resource (no resourceType); nothing was "
                         "imported"),
                       import->name, where);
          return FALSE;
        }

      if (!import_read_resource (import, where, json_node_get_object (resource_node), error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
import_read_ndjson (Import      *import,
                    const char  *data,
                    gsize        length,
                    GError     **error)
{
  const char *line = data, *end = data + length;
  guint number = 0;

  while (line < end)
    {
      const char *newline = memchr (line, '\n', end - line);
      const char *line_end = newline != NULL ? newline : end;
      g_autofree char *where = NULL;
      g_autoptr(JsonNode) root = NULL;
      g_autofree char *prefix = NULL;
      const char *type;

      number++;
      if (is_blank (line, line_end - line))
        {
          line = line_end + 1;
          continue;
        }

      where = g_strdup_printf ("line %u", number);
      prefix = g_strconcat (where, ": ", NULL);
      import->stats.entries++;
      root = parse_json (line, line_end - line, import->name, prefix, error);
      if (root == NULL)
        return FALSE;
      if (!JSON_NODE_HOLDS_OBJECT (root) || (type = resource_type_of (json_node_get_object (root))) == NULL)
        {
          g_set_error (error, MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_NOT_FHIR,
                       _("%s: %s: not a FHIR resource (no resourceType); nothing was imported"),
                       import->name, where);
          return FALSE;
        }
      if (strcmp (type, "Bundle") == 0)
        {
          g_set_error (error, MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_NOT_FHIR,
                       _("%s: %s: a Bundle inside an NDJSON file (NDJSON holds one resource per "
                         "line); nothing was imported"),
                       import->name, where);
          return FALSE;
        }
      if (!import_read_resource (import, where, json_node_get_object (root), error))
        return FALSE;
      line = line_end + 1;
    }

  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Storing                                                             */

gboolean
mar_fhir_check_references (MarStore               *store,
                           const MarFhirResource  *resource,
                           GHashTable             *batch,
                           GError                **error)
{
  g_return_val_if_fail (MAR_IS_STORE (store), FALSE);
  g_return_val_if_fail (resource != NULL, FALSE);

  for (guint i = 0; i < resource->references->len; i++)
    {
      const MarFhirReference *reference = g_ptr_array_index (resource->references, i);
      const char *type_name = mar_fhir_resource_type_to_name (reference->type);
      gboolean exists = FALSE;

      if (batch != NULL)
        {
          g_autofree char *key = g_strdup_printf ("%s/%s", type_name, reference->id);
          exists = g_hash_table_contains (batch, key);
        }
      if (!exists && !mar_store_has_resource (store, type_name, reference->id, &exists, error))
        return FALSE;
      if (!exists)
        {
          g_set_error (error, MAR_FHIR_ERROR, MAR_FHIR_ERROR_UNRESOLVED,
                       _("%s/%s: %s: \"%s\" names a %s that is neither in this data nor in the "
                         "cache"),
                       mar_fhir_resource_type_to_name (resource->type), resource->id,
                       reference->path, reference->reference, type_name);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
store_resource_locked (MarStore               *store,
                       const MarFhirResource  *resource,
                       MarStoreChange         *change,
                       GError                **error)
{
  MarResourceInfo info = { resource->last_updated, resource->json };

  for (guint i = 0; i < resource->contained->len; i++)
    {
      MarResourceInfo contained_info = {
        resource->last_updated, g_ptr_array_index (resource->contained_json, i)
      };

      if (!mar_store_upsert_product (store, g_ptr_array_index (resource->contained, i),
                                     &contained_info, NULL, error))
        return FALSE;
    }

  switch (resource->type)
    {
    case MAR_FHIR_RESOURCE_PATIENT:
      return mar_store_upsert_patient (store, resource->patient, &info, change, error);
    case MAR_FHIR_RESOURCE_LOCATION:
      return mar_store_upsert_location (store, resource->location, &info, change, error);
    case MAR_FHIR_RESOURCE_ENCOUNTER:
      return mar_store_upsert_encounter (store, resource->encounter, &info, change, error);
    case MAR_FHIR_RESOURCE_OBSERVATION:
      return mar_store_upsert_weight (store, resource->weight, &info, change, error);
    case MAR_FHIR_RESOURCE_MEDICATION:
      return mar_store_upsert_product (store, resource->product, &info, change, error);
    case MAR_FHIR_RESOURCE_MEDICATION_REQUEST:
      return mar_store_upsert_order (store, resource->order, &info, change, error);
    case MAR_FHIR_RESOURCE_MEDICATION_DISPENSE:
      return mar_store_upsert_dispense (store, resource->dispense, &info, change, error);
    case MAR_FHIR_RESOURCE_ALLERGY_INTOLERANCE:
      return mar_store_upsert_allergy (store, resource->allergy, &info, change, error);
    case MAR_FHIR_RESOURCE_PRACTITIONER:
      return mar_store_upsert_staff (store, resource->staff, &info, change, error);
    case MAR_FHIR_RESOURCE_PRACTITIONER_ROLE:
      return mar_store_upsert_staff_role (store, resource->staff_role, &info, change, error);
    case MAR_FHIR_RESOURCE_MEDICATION_ADMINISTRATION:
      return mar_store_upsert_administration (store, resource->administration, &info, change, error);
    case MAR_FHIR_RESOURCE_UNKNOWN:
    case MAR_FHIR_N_RESOURCE_TYPES:
    default:
      break;
    }

  g_return_val_if_reached (FALSE);
}

gboolean
mar_fhir_store_resource (MarStore               *store,
                         const MarFhirResource  *resource,
                         MarStoreChange         *change,
                         GError                **error)
{
  g_return_val_if_fail (MAR_IS_STORE (store), FALSE);
  g_return_val_if_fail (resource != NULL && !resource->ignored, FALSE);

  if (!mar_store_begin (store, error))
    return FALSE;
  if (!store_resource_locked (store, resource, change, error))
    {
      mar_store_rollback (store);
      return FALSE;
    }
  return mar_store_commit (store, error);
}

static gboolean
import_store (Import    *import,
              MarStore  *store,
              gint64     now,
              GError   **error)
{
  g_autoptr(GHashTable) batch = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < import->items->len; i++)
    {
      ImportItem *item = g_ptr_array_index (import->items, i);

      if (item->resource != NULL)
        g_hash_table_add (batch, g_strdup_printf ("%s/%s",
                                                  mar_fhir_resource_type_to_name (item->resource->type),
                                                  item->resource->id));
    }

  /* References are checked after every entry is read, against the whole
   * file and the cache, under the write lock: the entry order never
   * matters and no other writer can change the answer meanwhile. */
  for (guint i = 0; i < import->items->len; i++)
    {
      ImportItem *item = g_ptr_array_index (import->items, i);

      if (item->resource != NULL && !mar_fhir_check_references (store, item->resource, batch, error))
        {
          if (*item->where != '\0')
            g_prefix_error (error, "%s ", item->where);
          return FALSE;
        }
    }

  for (guint i = 0; i < import->items->len; i++)
    {
      ImportItem *item = g_ptr_array_index (import->items, i);
      MarFhirImportCounts *counts;
      MarStoreChange change = MAR_STORE_CHANGE_UNCHANGED;

      if (item->resource == NULL)
        {
          gboolean changed = FALSE;

          if (!mar_store_mark_removed (store, item->remove_type, item->remove_id, &changed, error))
            return FALSE;
          counts = &import->stats.counts[mar_fhir_resource_type_from_name (item->remove_type)];
          if (changed)
            counts->removed++;
          else
            counts->unchanged++;
          continue;
        }

      if (!store_resource_locked (store, item->resource, &change, error))
        return FALSE;
      counts = &import->stats.counts[item->resource->type];
      switch (change)
        {
        case MAR_STORE_CHANGE_CREATED:
          counts->created++;
          break;
        case MAR_STORE_CHANGE_UPDATED:
          counts->updated++;
          break;
        case MAR_STORE_CHANGE_UNCHANGED:
        case MAR_STORE_CHANGE_OLDER:
        default:
          counts->unchanged++;
          break;
        }
    }

  /* RULES.md, CACHE_STALE: an import counts as a sync at import time. */
  return mar_store_record_import (store, now, error);
}

/* ------------------------------------------------------------------ */

gboolean
mar_fhir_import_data (MarStore                    *store,
                      const char                  *data,
                      gsize                        length,
                      const char                  *name,
                      const MarFhirImportOptions  *options,
                      MarFhirImportStats          *stats,
                      GError                     **error)
{
  static const MarFhirImportOptions default_options = { 0 };
  g_auto(Import) import = { 0 };
  g_autofree char *source = NULL;
  g_autofree char *basename = NULL;
  gint64 now;

  g_return_val_if_fail (MAR_IS_STORE (store), FALSE);
  g_return_val_if_fail (data != NULL || length == 0, FALSE);
  g_return_val_if_fail (name != NULL, FALSE);

  if (options == NULL)
    options = &default_options;
  g_return_val_if_fail (options->shift_seconds % 86400 == 0, FALSE);

  if (length > MAR_FHIR_IMPORT_MAX_SIZE)
    {
      g_set_error (error, MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_TOO_LARGE,
                   _("%s is larger than %d MiB: split it, or load the data by sync; nothing was "
                     "imported"),
                   name, MAR_FHIR_IMPORT_MAX_SIZE / (1024 * 1024));
      return FALSE;
    }

  /* A UTF-8 byte order mark is not JSON, but editors write it. */
  if (length >= 3 && memcmp (data, "\xEF\xBB\xBF", 3) == 0)
    {
      data += 3;
      length -= 3;
    }

  if (is_blank (data, length))
    {
      g_set_error (error, MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_EMPTY,
                   _("%s is empty; nothing was imported"), name);
      return FALSE;
    }
  if (!check_utf8 (data, length, name, error))
    return FALSE;

  basename = g_path_get_basename (name);
  source = g_strconcat ("import:", basename, NULL);
  import.name = name;
  import.options = options;
  import.items = g_ptr_array_new_with_free_func ((GDestroyNotify) import_item_free);
  import.full_urls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  import.fhir_options.time_zone = options->time_zone;
  import.fhir_options.shift_seconds = options->shift_seconds;
  import.fhir_options.full_urls = import.full_urls;
  import.fhir_options.source = options->source != NULL ? options->source : source;

  if (looks_like_ndjson (data, length, name))
    {
      if (!import_read_ndjson (&import, data, length, error))
        return FALSE;
    }
  else
    {
      g_autoptr(JsonNode) root = parse_json (data, length, name, "", error);
      JsonObject *object;
      const char *type;

      if (root == NULL)
        return FALSE;
      if (!JSON_NODE_HOLDS_OBJECT (root) || (type = resource_type_of (json_node_get_object (root))) == NULL)
        {
          g_set_error (error, MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_NOT_FHIR,
                       _("%s is JSON but not a FHIR resource or Bundle (no resourceType); nothing "
                         "was imported"),
                       name);
          return FALSE;
        }
      object = json_node_get_object (root);
      if (strcmp (type, "Bundle") == 0)
        {
          if (!import_read_bundle (&import, object, error))
            return FALSE;
        }
      else
        {
          /* A single resource is a one-entry import. */
          import.stats.entries++;
          if (mar_fhir_resource_type_from_name (type) == MAR_FHIR_RESOURCE_UNKNOWN)
            {
              g_set_error (error, MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_NOT_FHIR,
                           _("%s holds a resource of type %s, which this terminal does not read; "
                             "nothing was imported"),
                           name, type);
              return FALSE;
            }
          if (!import_read_resource (&import, "", object, error))
            return FALSE;
        }
    }

  now = options->now != 0 ? options->now : g_get_real_time () / G_USEC_PER_SEC;

  if (!mar_store_begin (store, error))
    return FALSE;
  if (!import_store (&import, store, now, error))
    {
      mar_store_rollback (store);
      return FALSE;
    }
  if (!mar_store_commit (store, error))
    return FALSE;

  if (stats != NULL)
    *stats = import.stats;
  g_debug ("Imported %u entries (%u skipped)", import.stats.entries, import.stats.skipped);
  return TRUE;
}

gboolean
mar_fhir_import_file (MarStore                    *store,
                      const char                  *path,
                      const MarFhirImportOptions  *options,
                      MarFhirImportStats          *stats,
                      GError                     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *data = NULL;
  gsize length;
  GStatBuf st;

  g_return_val_if_fail (MAR_IS_STORE (store), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (g_stat (path, &st) != 0)
    {
      int saved_errno = errno;

      g_set_error (error, MAR_FHIR_IMPORT_ERROR,
                   saved_errno == ENOENT ? MAR_FHIR_IMPORT_ERROR_NOT_FOUND
                                         : MAR_FHIR_IMPORT_ERROR_UNREADABLE,
                   saved_errno == ENOENT ? _("There is no file %s; nothing was imported")
                                         : _("%s cannot be read (%s); nothing was imported"),
                   path, g_strerror (saved_errno));
      return FALSE;
    }
  if (S_ISDIR (st.st_mode))
    {
      g_set_error (error, MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_NOT_A_FILE,
                   _("%s is a folder: give the FHIR file to import; nothing was imported"), path);
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_NOT_A_FILE,
                   _("%s is not a regular file; nothing was imported"), path);
      return FALSE;
    }
  if (st.st_size > MAR_FHIR_IMPORT_MAX_SIZE)
    {
      g_set_error (error, MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_TOO_LARGE,
                   _("%s is larger than %d MiB: split it, or load the data by sync; nothing was "
                     "imported"),
                   path, MAR_FHIR_IMPORT_MAX_SIZE / (1024 * 1024));
      return FALSE;
    }

  if (!g_file_get_contents (path, &data, &length, &local_error))
    {
      g_set_error (error, MAR_FHIR_IMPORT_ERROR, MAR_FHIR_IMPORT_ERROR_UNREADABLE,
                   _("%s cannot be read (%s); nothing was imported"), path, local_error->message);
      return FALSE;
    }

  return mar_fhir_import_data (store, data, length, path, options, stats, error);
}
