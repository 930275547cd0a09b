/* mar-sync-pull.c — what changed on the FHIR server, into the cache
 *
 * Copyright 2026 The Bedside MAR developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * FHIR-PROFILE.md, "Incremental pull"; docs/sync.md gives the queries.
 *
 * Every search is sorted by _lastUpdated and read page by page. A page is
 * fetched and mapped first; only then is the write transaction opened, so
 * the bedside app never waits on the network for the database. Inside it go
 * the page's resources (each through mar_fhir_store_resource, the import's
 * path), its quarantined ones and the new watermark: the newest
 * meta.lastUpdated of the page, as the server wrote it. After an interrupted
 * run the next one starts again from that watermark minus five minutes; the
 * overlap is read again and skipped by id + version, so there is neither a
 * gap nor a duplicate. When the server does not sort (a page out of order),
 * the watermark moves only once the whole search has been read.
 */

#define G_LOG_DOMAIN "mar-sync"

#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "mar-fhir-import.h"
#include "mar-sync-private.h"
#include "mar-time.h"

#define LOINC_BODY_WEIGHT "http://loinc.org|29463-7"
/* sync_watermarks row beside each watermark: when its last complete search
 * began (query_since). */
#define SEARCHED_SUFFIX   "@searched"
#define SYSTEM_URI        "urn:ietf:rfc:3986"

/* ------------------------------------------------------------------------ */
/* JSON helpers                                                             */

static JsonObject *
member_object (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonArray *
member_array (JsonObject *object,
              const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static char *
object_to_string (JsonObject *object)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);

  json_node_set_object (node, object);
  return mar_fhir_node_to_string (node);
}

/* Query values: the characters FHIR search gives a meaning (',' between
 * alternatives, '|' between system and code) travel as written, the rest
 * percent-encoded. */
static char *
escape_value (const char *value)
{
  return g_uri_escape_string (value, ",/:|", FALSE);
}

/* ------------------------------------------------------------------------ */
/* A page                                                                   */

typedef struct
{
  JsonObject      *object;          /* borrowed from the page */
  MarFhirResource *resource;        /* NULL when refused by the reader */
  char            *reason;          /* why it was refused */
  char            *id;
  char            *version;
  char            *patient_id;      /* for the quarantine (DATA_REJECTED) */
  gboolean         skip;            /* read and left aside: not a body weight, our own record */
} PageItem;

static void
page_item_free (PageItem *item)
{
  g_clear_pointer (&item->resource, mar_fhir_resource_free);
  g_free (item->reason);
  g_free (item->id);
  g_free (item->version);
  g_free (item->patient_id);
  g_free (item);
}

typedef struct
{
  MarSync             *sync;
  MarFhirResourceType  type;
  const char          *type_name;
  char                *key;            /* watermark, or NULL */
  gboolean             per_page;       /* advance the watermark page by page */
  gboolean             sorted;         /* every entry so far came in _lastUpdated order */
  gint64               previous;       /* lastUpdated of the previous entry */
  gint64               newest;         /* newest lastUpdated read, or MAR_TIME_UNSET */
  char                *newest_text;
  gint64               mark;           /* the stored watermark, or MAR_TIME_UNSET */
  gint64               searched;       /* server's Date when the last complete search began */
  gint64               started;        /* server's Date of this search's first answer; 0 */
  /* Encounters of the unit: fetch their patients, flag arrivals. */
  GHashTable          *unit_locations;
  GHashTable          *on_unit;        /* patients on the unit before (arrivals are added) */
} Query;

static void
query_clear (Query *q)
{
  g_clear_pointer (&q->key, g_free);
  g_clear_pointer (&q->newest_text, g_free);
}

/* meta.lastUpdated and history times are instants (with an offset); the
 * unit's zone only serves a server that leaves the offset out. */
static gboolean
parse_instant (MarSync    *sync,
               const char *text,
               gint64     *out)
{
  return text != NULL && mar_time_parse_fhir (text, sync->time_zone, out, NULL, NULL);
}

static gboolean
query_init (Query                *q,
            MarSync              *sync,
            MarFhirResourceType   type,
            const char           *key,
            gboolean              per_page,
            GError              **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *mark = NULL;

  memset (q, 0, sizeof *q);
  q->sync = sync;
  q->type = type;
  q->type_name = mar_fhir_resource_type_to_name (type);
  q->key = g_strdup (key);
  q->per_page = per_page && key != NULL;
  q->sorted = TRUE;
  q->previous = G_MININT64;
  q->newest = MAR_TIME_UNSET;
  q->mark = MAR_TIME_UNSET;
  q->searched = MAR_TIME_UNSET;
  if (key == NULL)
    return TRUE;
  mark = mar_store_dup_watermark (sync->store, key, &local_error);
  if (mark == NULL && !g_error_matches (local_error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (mark != NULL && !parse_instant (sync, mark, &q->mark))
    q->mark = MAR_TIME_UNSET;
  {
    g_autofree char *searched_key = g_strconcat (key, SEARCHED_SUFFIX, NULL);
    g_autofree char *searched = mar_store_dup_watermark (sync->store, searched_key, NULL);

    q->searched = MAR_TIME_UNSET;
    if (searched != NULL && !parse_instant (sync, searched, &q->searched))
      q->searched = MAR_TIME_UNSET;
  }
  return TRUE;
}

/* The _lastUpdated lower bound for an incremental search, or NULL for a
 * full one: the watermark minus the overlap (FHIR-PROFILE.md). The overlap
 * exists for changes that become visible after a later one was read (a
 * transaction stamped before it committed): once a search has been read to
 * its end, starting at the server's time S, everything stamped before
 * S − overlap was visible to it. So the bound is the later of the watermark
 * and S, minus the overlap: a type that has been quiet for hours is not read
 * again from its last change (a catalog loaded in bulk shares one instant). */
static char *
query_since (Query *q)
{
  gint64 base = q->mark;

  if (q->searched != MAR_TIME_UNSET && (base == MAR_TIME_UNSET || q->searched > base))
    base = q->searched;
  if (base == MAR_TIME_UNSET)
    return NULL;
  return mar_time_format_utc (base - MAR_SYNC_OVERLAP);
}

/* After the last page of a search: when it began, on the server's clock. */
static gboolean
query_finish (Query   *q,
              GError **error)
{
  g_autofree char *searched_key = NULL;
  g_autofree char *started = NULL;

  if (q->key == NULL || q->started == 0)
    return TRUE;
  if (q->searched != MAR_TIME_UNSET && q->started <= q->searched)
    return TRUE;
  searched_key = g_strconcat (q->key, SEARCHED_SUFFIX, NULL);
  started = mar_time_format_utc (q->started);
  g_hash_table_replace (q->sync->searched, g_steal_pointer (&searched_key), g_steal_pointer (&started));
  q->searched = q->started;
  return TRUE;
}

static gboolean
flush_searched (MarSync  *sync,
                GError  **error)
{
  GHashTableIter iter;
  gpointer key, value;

  if (g_hash_table_size (sync->searched) == 0)
    return TRUE;
  if (!mar_store_begin (sync->store, error))
    return FALSE;
  g_hash_table_iter_init (&iter, sync->searched);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (!mar_store_set_watermark (sync->store, key, value, error))
      {
        mar_store_rollback (sync->store);
        return FALSE;
      }
  g_hash_table_remove_all (sync->searched);
  return mar_store_commit (sync->store, error);
}

/* An MA whose identifier is a UUID of this terminal: charted here, kept by
 * the record, pushed by us (FHIR-PROFILE.md: not duplicated). */
static gboolean
is_own_administration (MarSync     *sync,
                       JsonObject  *object,
                       gboolean    *own,
                       GError     **error)
{
  JsonArray *identifiers = member_array (object, "identifier");

  *own = FALSE;
  for (guint i = 0; identifiers != NULL && i < json_array_get_length (identifiers) && !*own; i++)
    {
      JsonNode *node = json_array_get_element (identifiers, i);
      JsonObject *identifier = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      const char *value = member_string (identifier, "value");

      if (g_strcmp0 (member_string (identifier, "system"), SYSTEM_URI) != 0 ||
          value == NULL || !g_str_has_prefix (value, "urn:uuid:"))
        continue;
      if (!mar_sync_store_is_own_resource (sync->store, value + strlen ("urn:uuid:"), own, error))
        return FALSE;
    }
  return TRUE;
}

static PageItem *
read_item (MarSync             *sync,
           JsonObject          *object,
           MarFhirResourceType  expected,
           GError             **error)
{
  g_autoptr(GError) read_error = NULL;
  MarFhirOptions options = {
    .time_zone = sync->time_zone,
    .source = "sync",
  };
  PageItem *item = g_new0 (PageItem, 1);
  JsonObject *meta = member_object (object, "meta");

  item->object = object;
  item->id = g_strdup (member_string (object, "id"));
  item->version = g_strdup (member_string (meta, "versionId"));

  if (expected == MAR_FHIR_RESOURCE_MEDICATION_ADMINISTRATION)
    {
      gboolean own = FALSE;

      if (!is_own_administration (sync, object, &own, error))
        {
          page_item_free (item);
          return NULL;
        }
      if (own)
        {
          item->skip = TRUE;
          sync->report->own_skipped++;
          return item;
        }
    }

  item->resource = mar_fhir_read_resource (object, &options, &read_error);
  if (item->resource == NULL)
    {
      item->reason = g_strdup (read_error->message);
      item->patient_id = mar_fhir_dup_patient_id (object, NULL);
    }
  else if (item->resource->ignored)
    item->skip = TRUE;
  else
    item->patient_id = g_strdup (item->resource->patient_id);
  return item;
}

/* The resources of a searchset page, each read. Entries of other types
 * (an OperationOutcome with search.mode "outcome", _include) are left out. */
static GPtrArray *
read_page (Query     *q,
           JsonNode  *bundle,
           GError   **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) page_item_free);
  JsonObject *object = bundle != NULL && JSON_NODE_HOLDS_OBJECT (bundle) ? json_node_get_object (bundle) : NULL;
  JsonArray *entries;

  if (g_strcmp0 (member_string (object, "resourceType"), "Bundle") != 0 ||
      g_strcmp0 (member_string (object, "type"), "searchset") != 0)
    {
      g_set_error (error, MAR_SYNC_ERROR, MAR_SYNC_ERROR_BAD_BUNDLE,
                   _("The server answered a %s search with something other than a searchset Bundle"),
                   q->type_name);
      return NULL;
    }
  entries = member_array (object, "entry");
  for (guint i = 0; entries != NULL && i < json_array_get_length (entries); i++)
    {
      JsonNode *node = json_array_get_element (entries, i);
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      JsonObject *resource = member_object (entry, "resource");
      const char *mode = member_string (member_object (entry, "search"), "mode");
      const char *text;
      gint64 last_updated;
      PageItem *item;

      if (resource == NULL || g_strcmp0 (member_string (resource, "resourceType"), q->type_name) != 0 ||
          (mode != NULL && strcmp (mode, "match") != 0))
        continue;

      text = member_string (member_object (resource, "meta"), "lastUpdated");
      if (parse_instant (q->sync, text, &last_updated))
        {
          if (last_updated < q->previous && q->sorted)
            {
              g_autofree char *field = g_strconcat ("MAR_SYNC_TYPE=", q->type_name, NULL);

              q->sorted = FALSE;
              mar_sync_log (G_LOG_LEVEL_MESSAGE, "unsorted",
                            "The server did not sort a search by _lastUpdated; its watermark "
                            "moves only once the whole search is read", field, NULL);
            }
          q->previous = MAX (q->previous, last_updated);
          if (q->newest == MAR_TIME_UNSET || last_updated >= q->newest)
            {
              q->newest = last_updated;
              g_free (q->newest_text);
              q->newest_text = g_strdup (text);
            }
        }
      else if (q->sorted)
        {
          /* Without meta.lastUpdated nothing tells how far a page got. */
          q->sorted = FALSE;
        }

      item = read_item (q->sync, resource, q->type, error);
      if (item == NULL)
        return NULL;
      g_ptr_array_add (items, item);
    }
  return g_steal_pointer (&items);
}

static gboolean
quarantine_item (MarSync            *sync,
                 MarFhirResourceType type,
                 PageItem           *item,
                 const char         *reason,
                 GError            **error)
{
  g_autofree char *json = object_to_string (item->object);
  const char *type_name = mar_fhir_resource_type_to_name (type);
  gboolean already = FALSE;

  /* The overlap reads a refused version again: one entry is enough. */
  if (!mar_sync_store_is_quarantined (sync->store, type_name, item->id, item->version, &already, error))
    return FALSE;
  if (already)
    return TRUE;
  if (!mar_store_quarantine (sync->store, type_name, item->id, item->version, item->patient_id,
                             reason, json, mar_sync_now (sync), error))
    return FALSE;
  sync->report->counts[type].quarantined++;
  /* The reason names the field; the id stays out of the journal. */
  mar_sync_log (G_LOG_LEVEL_MESSAGE, "quarantined",
                "A resource from the server breaks the profile and was quarantined; "
                "see marctl status", NULL);
  return TRUE;
}

/* Stores one read resource, or quarantines it: a refusal by the reader, or
 * a reference the profile requires that names nothing (docs/fhir-import.md).
 * Only database failures are errors. */
static gboolean
store_item (MarSync    *sync,
            PageItem   *item,
            MarFhirResourceType type,
            GHashTable *batch,
            gboolean   *stored,
            GError    **error)
{
  g_autoptr(GError) local_error = NULL;
  MarStoreChange change = MAR_STORE_CHANGE_UNCHANGED;
  MarSyncTypeCounts *counts = &sync->report->counts[type];

  if (stored != NULL)
    *stored = FALSE;
  if (item->skip)
    return TRUE;
  if (item->resource == NULL)
    return quarantine_item (sync, type, item, item->reason, error);

  if (!mar_fhir_check_references (sync->store, item->resource, batch, &local_error))
    {
      if (local_error->domain != MAR_FHIR_ERROR)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      return quarantine_item (sync, type, item, local_error->message, error);
    }
  if (!mar_fhir_store_resource (sync->store, item->resource, &change, error))
    return FALSE;
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
  if (stored != NULL)
    *stored = TRUE;
  return TRUE;
}

static void
batch_add_items (GHashTable *batch,
                 GPtrArray  *items)
{
  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      PageItem *item = g_ptr_array_index (items, i);

      if (item->resource != NULL && !item->skip)
        g_hash_table_add (batch, g_strdup_printf ("%s/%s",
                                                  mar_fhir_resource_type_to_name (item->resource->type),
                                                  item->resource->id));
    }
}

/* ------------------------------------------------------------------------ */
/* Searches                                                                 */

static gboolean
check_cancelled (MarSync  *sync,
                 GError  **error)
{
  return !g_cancellable_set_error_if_cancelled (sync->cancellable, error);
}

static MarHttpResponse *
fetch (MarSync     *sync,
       const char  *target,
       GError     **error)
{
  MarHttpRetryPolicy policy;

  if (!check_cancelled (sync, error))
    return NULL;
  mar_http_retry_policy_init_default (&policy);
  return mar_http_client_get (sync->client, target, &policy, sync->cancellable, error);
}

/* The sync's bookkeeping for an answer; on the sync's own thread. */
static MarHttpResponse *
fetched (MarSync         *sync,
         MarHttpResponse *response)
{
  if (response != NULL)
    {
      mar_sync_note_response (sync, response);
      sync->report->pages++;
    }
  return response;
}

static MarHttpResponse *
get (MarSync     *sync,
     const char  *target,
     GError     **error)
{
  return fetched (sync, fetch (sync, target, error));
}

/* The next page of a search, fetched on another thread while this one
 * maps and stores the current page: the server works while we write. The
 * client is used by one thread at a time (mar-http.h): the sync thread
 * leaves it alone until it has joined the prefetch. */
typedef struct
{
  MarSync         *sync;
  char            *target;
  MarHttpResponse *response;
  GError          *error;
  GThread         *thread;
} Prefetch;

static gpointer
prefetch_thread (gpointer data)
{
  Prefetch *p = data;

  p->response = fetch (p->sync, p->target, &p->error);
  return NULL;
}

static Prefetch *
prefetch_start (MarSync    *sync,
                const char *target)
{
  Prefetch *p = g_new0 (Prefetch, 1);

  p->sync = sync;
  p->target = g_strdup (target);
  p->thread = g_thread_new ("sync-prefetch", prefetch_thread, p);
  return p;
}

/* Waits for the page; NULL with @error when it could not be read. */
static MarHttpResponse *
prefetch_finish (Prefetch  *p,
                 GError   **error)
{
  MarHttpResponse *response;

  g_thread_join (p->thread);
  response = fetched (p->sync, p->response);
  if (response == NULL)
    g_propagate_error (error, p->error);
  g_free (p->target);
  g_free (p);
  return response;
}

static void
prefetch_discard (Prefetch *p)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(MarHttpResponse) response = NULL;

  if (p != NULL)
    response = prefetch_finish (p, &error);
}

static char *
search_target (const char *type_name,
               const char *params,
               const char *since,
               guint       count)
{
  GString *target = g_string_new (type_name);

  g_string_append_c (target, '?');
  if (params != NULL && *params != '\0')
    g_string_append_printf (target, "%s&", params);
  if (since != NULL)
    g_string_append_printf (target, "_lastUpdated=ge%s&", since);
  g_string_append_printf (target, "_sort=_lastUpdated&_count=%u", count);
  return g_string_free (target, FALSE);
}

static gboolean
set_watermark_if_newer (Query   *q,
                        GError **error)
{
  if (q->key == NULL || q->newest == MAR_TIME_UNSET ||
      (q->mark != MAR_TIME_UNSET && q->newest <= q->mark))
    return TRUE;
  if (!mar_store_set_watermark (q->sync->store, q->key, q->newest_text, error))
    return FALSE;
  q->mark = q->newest;
  return TRUE;
}

/* Patients a page of the unit's Encounters needs in the cache first: those
 * not cached yet and those arriving on the unit (their record may be old). */
static GPtrArray *
encounter_page_patients (Query      *q,
                         GPtrArray  *items,
                         GError    **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < items->len; i++)
    {
      PageItem *item = g_ptr_array_index (items, i);
      const MarEncounter *encounter = item->resource != NULL ? item->resource->encounter : NULL;
      gboolean exists = FALSE;

      if (encounter == NULL || encounter->patient_id == NULL ||
          g_hash_table_contains (seen, encounter->patient_id))
        continue;
      if (!mar_store_has_resource (q->sync->store, "Patient", encounter->patient_id, &exists, error))
        return NULL;
      if (!exists || !g_hash_table_contains (q->on_unit, encounter->patient_id))
        {
          g_hash_table_add (seen, encounter->patient_id);
          g_ptr_array_add (ids, g_strdup (encounter->patient_id));
        }
    }
  return g_steal_pointer (&ids);
}

/* Reads Patients by id (for a page of Encounters); their items are added
 * to @out. */
static gboolean
fetch_patients (MarSync    *sync,
                GPtrArray  *ids,
                GPtrArray  *out,
                GError    **error)
{
  for (guint start = 0; start < ids->len; start += sync->patients_per_query)
    {
      g_autoptr(GString) list = g_string_new (NULL);
      g_autofree char *escaped = NULL;
      g_autofree char *params = NULL;
      g_autofree char *target = NULL;
      Query q;

      for (guint i = start; i < ids->len && i < start + sync->patients_per_query; i++)
        g_string_append_printf (list, "%s%s", list->len > 0 ? "," : "", (char *) g_ptr_array_index (ids, i));
      escaped = escape_value (list->str);
      params = g_strconcat ("_id=", escaped, NULL);
      target = search_target ("Patient", params, NULL, sync->page_size);
      query_init (&q, sync, MAR_FHIR_RESOURCE_PATIENT, NULL, FALSE, NULL);

      while (target != NULL)
        {
          g_autoptr(MarHttpResponse) response = get (sync, target, error);
          g_autoptr(GPtrArray) items = NULL;
          const char *next;

          if (response == NULL)
            {
              query_clear (&q);
              return FALSE;
            }
          items = read_page (&q, response->json, error);
          if (items == NULL)
            {
              query_clear (&q);
              return FALSE;
            }
          while (items->len > 0)
            g_ptr_array_add (out, g_ptr_array_steal_index (items, 0));
          next = mar_http_bundle_get_next_link (response->json);
          g_free (target);
          target = g_strdup (next);
        }
      query_clear (&q);
    }
  return TRUE;
}

/* Stores one page under one transaction, with its watermark. */
static gboolean
store_page (Query      *q,
            GPtrArray  *items,
            GPtrArray  *patients,
            GError    **error)
{
  MarSync *sync = q->sync;
  g_autoptr(GHashTable) batch = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) arrivals = g_ptr_array_new ();

  batch_add_items (batch, items);
  batch_add_items (batch, patients);

  if (!mar_store_begin (sync->store, error))
    return FALSE;

  for (guint i = 0; patients != NULL && i < patients->len; i++)
    if (!store_item (sync, g_ptr_array_index (patients, i), MAR_FHIR_RESOURCE_PATIENT, batch, NULL, error))
      goto failed;

  for (guint i = 0; i < items->len; i++)
    {
      PageItem *item = g_ptr_array_index (items, i);
      gboolean stored = FALSE;

      if (!store_item (sync, item, q->type, batch, &stored, error))
        goto failed;

      /* FHIR-PROFILE.md: a patient who arrives on the unit (a new
       * Encounter location) gets a full pull; PATIENT_DATA_INCOMPLETE
       * until it is stored. */
      if (stored && q->unit_locations != NULL && item->resource->encounter != NULL)
        {
          const MarEncounter *encounter = item->resource->encounter;

          if (!encounter->removed && g_strcmp0 (encounter->status, "in-progress") == 0 &&
              encounter->location_id != NULL &&
              g_hash_table_contains (q->unit_locations, encounter->location_id) &&
              !g_hash_table_contains (q->on_unit, encounter->patient_id))
            g_ptr_array_add (arrivals, encounter->patient_id);
        }
    }

  for (guint i = 0; i < arrivals->len; i++)
    {
      const char *patient_id = g_ptr_array_index (arrivals, i);

      if (!mar_store_set_patient_data_incomplete (sync->store, patient_id, TRUE, error))
        goto failed;
    }

  if (q->per_page && q->sorted && !set_watermark_if_newer (q, error))
    goto failed;

  if (!mar_store_commit (sync->store, error))
    return FALSE;

  for (guint i = 0; i < arrivals->len; i++)
    g_hash_table_add (q->on_unit, g_strdup (g_ptr_array_index (arrivals, i)));
  if (sync->progress != NULL)
    sync->progress (q->type_name, items->len, sync->progress_data);
  return TRUE;

failed:
  mar_store_rollback (sync->store);
  return FALSE;
}

/* Runs one search to its last page. @params: the search parameters
 * (escaped); @since: the _lastUpdated lower bound, or NULL. */
/* Runs one search to its last page. @ahead: in, the first page already on
 * its way (or NULL); out, the first page of @following (the next search of
 * a chain), started while this search's last page is stored. */
static gboolean
run_search_full (Query       *q,
                 const char  *target,
                 Prefetch   **ahead,
                 const char  *following,
                 GError     **error)
{
  MarSync *sync = q->sync;
  /* The unit's Encounter pages read Patients in between: no prefetch. */
  gboolean encounters = q->unit_locations != NULL && q->type == MAR_FHIR_RESOURCE_ENCOUNTER;
  MarHttpResponse *next_response;

  if (*ahead != NULL)
    {
      next_response = prefetch_finish (*ahead, error);
      *ahead = NULL;
    }
  else
    next_response = get (sync, target, error);
  if (next_response == NULL)
    return FALSE;

  while (next_response != NULL)
    {
      g_autoptr(MarHttpResponse) response = g_steal_pointer (&next_response);
      g_autoptr(GPtrArray) items = NULL;
      g_autoptr(GPtrArray) patients = NULL;
      const char *next = mar_http_bundle_get_next_link (response->json);
      Prefetch *prefetch = NULL;

      /* A page that came after a cancel is not stored. */
      if (!check_cancelled (sync, error))
        return FALSE;
      if (q->started == 0)
        q->started = response->date;
      items = read_page (q, response->json, error);
      if (items == NULL)
        return FALSE;

      if (encounters)
        {
          g_autoptr(GPtrArray) ids = encounter_page_patients (q, items, error);

          if (ids == NULL)
            return FALSE;
          patients = g_ptr_array_new_with_free_func ((GDestroyNotify) page_item_free);
          if (ids->len > 0 && !fetch_patients (sync, ids, patients, error))
            return FALSE;
        }
      else if (next != NULL)
        prefetch = prefetch_start (sync, next);
      else if (following != NULL)
        *ahead = prefetch_start (sync, following);

      /* An empty page changes nothing: no write lock taken. */
      if ((items->len > 0 || (patients != NULL && patients->len > 0)) &&
          !store_page (q, items, patients, error))
        {
          prefetch_discard (prefetch);
          return FALSE;
        }

      if (prefetch != NULL)
        {
          next_response = prefetch_finish (prefetch, error);
          if (next_response == NULL)
            return FALSE;
        }
      else if (next != NULL)
        {
          next_response = get (sync, next, error);
          if (next_response == NULL)
            return FALSE;
        }
    }
  return TRUE;
}

static gboolean
run_search (Query       *q,
            const char  *params,
            const char  *since,
            GError     **error)
{
  g_autofree char *target = search_target (q->type_name, params, since, q->sync->page_size);
  Prefetch *ahead = NULL;

  return run_search_full (q, target, &ahead, NULL, error);
}

/* ------------------------------------------------------------------------ */
/* Chains: independent searches read one after the other, the first page of
 * each fetched while the previous one's last page is stored. Their targets
 * depend only on their own watermarks, so they can be made up front; the
 * pages are still stored in order (a PractitionerRole after the
 * Practitioners it names). */

typedef struct
{
  Query *q;
  char  *target;
  gboolean last_part;   /* the search's watermark moves after this one */
} ChainStep;

typedef struct
{
  MarSync   *sync;
  GPtrArray *steps;     /* (element-type ChainStep) */
  GPtrArray *queries;   /* (element-type Query) owned */
} Chain;

static void
chain_step_free (ChainStep *step)
{
  g_free (step->target);
  g_free (step);
}

static void
query_free (Query *q)
{
  query_clear (q);
  g_free (q);
}

static void
chain_init (Chain   *chain,
            MarSync *sync)
{
  chain->sync = sync;
  chain->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) chain_step_free);
  chain->queries = g_ptr_array_new_with_free_func ((GDestroyNotify) query_free);
}

static void
chain_clear (Chain *chain)
{
  g_clear_pointer (&chain->steps, g_ptr_array_unref);
  g_clear_pointer (&chain->queries, g_ptr_array_unref);
}

static Query *
chain_add_query (Chain                *chain,
                 MarFhirResourceType   type,
                 const char           *key,
                 gboolean              per_page,
                 GError              **error)
{
  Query *q = g_new0 (Query, 1);

  if (!query_init (q, chain->sync, type, key, per_page, error))
    {
      query_free (q);
      return NULL;
    }
  g_ptr_array_add (chain->queries, q);
  return q;
}

static void
chain_add_step (Chain      *chain,
                Query      *q,
                const char *params,
                const char *since,
                gboolean    last_part)
{
  ChainStep *step = g_new0 (ChainStep, 1);

  step->q = q;
  step->target = search_target (q->type_name, params, since, chain->sync->page_size);
  step->last_part = last_part;
  g_ptr_array_add (chain->steps, step);
}

static gboolean
chain_run (Chain   *chain,
           GError **error)
{
  Prefetch *ahead = NULL;

  for (guint i = 0; i < chain->steps->len; i++)
    {
      ChainStep *step = g_ptr_array_index (chain->steps, i);
      const char *following = i + 1 < chain->steps->len
                              ? ((ChainStep *) g_ptr_array_index (chain->steps, i + 1))->target : NULL;

      if (!run_search_full (step->q, step->target, &ahead, following, error) ||
          (step->last_part && (!set_watermark_if_newer (step->q, error) || !query_finish (step->q, error))))
        {
          prefetch_discard (ahead);
          return FALSE;
        }
    }
  prefetch_discard (ahead);
  return TRUE;
}

/* A whole type (the catalog; every patient's data without a unit),
 * incremental once it has a watermark. @floor: the lower bound of the
 * first load, or NULL for everything. */
static gboolean
chain_add_type (Chain                *chain,
                MarFhirResourceType   type,
                const char           *params,
                const char           *floor,
                GError              **error)
{
  Query *q = chain_add_query (chain, type, mar_fhir_resource_type_to_name (type), TRUE, error);
  g_autofree char *since = NULL;

  if (q == NULL)
    return FALSE;
  since = query_since (q);
  chain_add_step (chain, q, params, since != NULL ? since : floor, TRUE);
  return TRUE;
}

/* "Patient/a,Patient/b" (or "a,b" for _id) for patients [start, end). */
static char *
patient_list (GPtrArray  *patients,
              guint       start,
              guint       end,
              gboolean    references)
{
  g_autoptr(GString) list = g_string_new (NULL);

  for (guint i = start; i < end && i < patients->len; i++)
    g_string_append_printf (list, "%s%s%s", list->len > 0 ? "," : "",
                            references ? "Patient/" : "", (char *) g_ptr_array_index (patients, i));
  return escape_value (list->str);
}

/* A patient-scoped search: @param names the patient ("subject", "patient",
 * "_id"), @extra more parameters (escaped) or NULL. With @key, incremental
 * from that watermark; a unit with more patients than one search names is
 * searched in parts, and the watermark moves once all parts are read. */
static gboolean
chain_add_patients (Chain                *chain,
                    MarFhirResourceType   type,
                    const char           *param,
                    const char           *extra,
                    GPtrArray            *patients,
                    const char           *key,
                    GError              **error)
{
  MarSync *sync = chain->sync;
  g_autofree char *since = NULL;
  gboolean one_part = patients->len <= sync->patients_per_query;
  Query *q;

  if (patients->len == 0)
    return TRUE;
  q = chain_add_query (chain, type, key, one_part, error);
  if (q == NULL)
    return FALSE;
  since = query_since (q);
  for (guint start = 0; start < patients->len; start += sync->patients_per_query)
    {
      g_autofree char *list = patient_list (patients, start, start + sync->patients_per_query,
                                            strcmp (param, "_id") != 0);
      g_autofree char *params = extra != NULL ? g_strdup_printf ("%s=%s&%s", param, list, extra)
                                              : g_strdup_printf ("%s=%s", param, list);

      chain_add_step (chain, q, params, since, start + sync->patients_per_query >= patients->len);
    }
  return TRUE;
}

static gboolean
pull_for_patients (MarSync             *sync,
                   MarFhirResourceType  type,
                   const char          *param,
                   const char          *extra,
                   GPtrArray           *patients,
                   const char          *key,
                   GError             **error)
{
  Chain chain;
  gboolean ok;

  chain_init (&chain, sync);
  ok = chain_add_patients (&chain, type, param, extra, patients, key, error) && chain_run (&chain, error);
  chain_clear (&chain);
  return ok;
}

/* ------------------------------------------------------------------------ */
/* The steps                                                                */

static gboolean
ensure_watermark (MarSync     *sync,
                  const char  *key,
                  GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *mark = mar_store_dup_watermark (sync->store, key, &local_error);
  g_autofree char *now = NULL;

  if (mark != NULL)
    return TRUE;
  if (!g_error_matches (local_error, MAR_STORE_ERROR, MAR_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  /* A patient-scoped search starts at the server's "now": whatever came
   * before is read by the full pull of each patient on the unit. */
  now = mar_time_format_utc (mar_sync_server_now (sync));
  return mar_store_set_watermark (sync->store, key, now, error);
}

/* A change of server or unit makes the watermarks meaningless. */
static gboolean
check_scope (MarSync  *sync,
             GError  **error)
{
  g_autofree char *scope = g_strdup_printf ("%s|%s", mar_http_client_get_base_url (sync->client),
                                            sync->unit_location != NULL ? sync->unit_location : "*");
  g_autofree char *stored = mar_store_dup_setting (sync->store, SYNC_SETTING_SCOPE, NULL);

  if (g_strcmp0 (scope, stored) == 0)
    return TRUE;
  if (stored != NULL)
    mar_sync_log (G_LOG_LEVEL_MESSAGE, "scope-changed",
                  "The server or the unit changed: everything is pulled again", NULL);
  return mar_sync_store_clear_watermarks (sync->store, NULL, error) &&
         mar_store_set_setting (sync->store, SYNC_SETTING_SCOPE, scope, error);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static char *
locations_fingerprint (GHashTable *locations)
{
  g_autofree const char **ids = (const char **) g_hash_table_get_keys_as_array (locations, NULL);
  g_autofree char *joined = NULL;

  g_qsort_with_data (ids, (gint) g_hash_table_size (locations), sizeof (char *), compare_strings, NULL);
  joined = g_strjoinv (",", (char **) ids);
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, joined, -1);
}

static GPtrArray *
set_to_sorted_array (GHashTable *set)
{
  GPtrArray *array = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, set);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (array, g_strdup (key));
  g_ptr_array_sort_with_data (array, compare_strings, NULL);
  return array;
}

static char *
location_references (GHashTable *locations)
{
  g_autoptr(GPtrArray) ids = set_to_sorted_array (locations);
  g_autoptr(GString) list = g_string_new (NULL);

  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (list, "%sLocation/%s", i > 0 ? "," : "", (char *) g_ptr_array_index (ids, i));
  return escape_value (list->str);
}

/* The full pull of patients new on the unit (FHIR-PROFILE.md), by groups;
 * each group's PATIENT_DATA_INCOMPLETE is lifted when all of it is stored. */
static gboolean
pull_arrivals (MarSync  *sync,
               GError  **error)
{
  g_autoptr(GPtrArray) patients = mar_sync_store_list_incomplete_patients (sync->store, error);
  g_autofree char *window = NULL;
  g_autofree char *window_param = NULL;
  g_autofree char *weight = escape_value (LOINC_BODY_WEIGHT);
  g_autofree char *weight_param = g_strconcat ("code=", weight, NULL);

  if (patients == NULL)
    return FALSE;
  window = mar_time_format_utc (mar_sync_server_now (sync) - MAR_SYNC_ADMINISTRATION_WINDOW);
  window_param = g_strconcat ("effective-time=ge", window, NULL);

  for (guint start = 0; start < patients->len; start += sync->patients_per_query)
    {
      guint end = MIN (start + sync->patients_per_query, patients->len);
      g_autoptr(GPtrArray) group = g_ptr_array_new ();
      static const struct
      {
        MarFhirResourceType type;
        const char         *param;
      } searches[] = {
        { MAR_FHIR_RESOURCE_ALLERGY_INTOLERANCE, "patient" },
        { MAR_FHIR_RESOURCE_OBSERVATION, "subject" },
        { MAR_FHIR_RESOURCE_MEDICATION_REQUEST, "subject" },
        { MAR_FHIR_RESOURCE_MEDICATION_DISPENSE, "subject" },
        { MAR_FHIR_RESOURCE_MEDICATION_ADMINISTRATION, "subject" },
        { MAR_FHIR_RESOURCE_MEDICATION_ADMINISTRATION, "subject" },
      };

      Chain chain;
      gboolean ok = TRUE;

      for (guint i = start; i < end; i++)
        g_ptr_array_add (group, g_ptr_array_index (patients, i));

      chain_init (&chain, sync);
      for (guint i = 0; ok && i < G_N_ELEMENTS (searches); i++)
        {
          const char *extra = NULL;

          if (searches[i].type == MAR_FHIR_RESOURCE_OBSERVATION)
            extra = weight_param;
          else if (searches[i].type == MAR_FHIR_RESOURCE_MEDICATION_ADMINISTRATION)
            /* The last 72 h, plus every running or paused one whatever its age. */
            extra = i == G_N_ELEMENTS (searches) - 2 ? window_param : "status=in-progress,on-hold";
          ok = chain_add_patients (&chain, searches[i].type, searches[i].param, extra, group, NULL, error);
        }
      ok = ok && chain_run (&chain, error);
      chain_clear (&chain);
      if (!ok)
        return FALSE;

      if (!mar_store_begin (sync->store, error))
        return FALSE;
      for (guint i = 0; i < group->len; i++)
        if (!mar_store_set_patient_data_incomplete (sync->store, g_ptr_array_index (group, i), FALSE, error))
          {
            mar_store_rollback (sync->store);
            return FALSE;
          }
      if (!mar_store_commit (sync->store, error))
        return FALSE;
      sync->report->arrivals += group->len;
    }
  return TRUE;
}

static const char * const patient_scoped_keys[] = {
  "Encounter@patients", "Patient", "Observation", "MedicationRequest", "AllergyIntolerance",
  "MedicationDispense", "MedicationAdministration",
};

static gboolean
pull_unit (MarSync  *sync,
           GError  **error)
{
  g_autoptr(GHashTable) locations = NULL;
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) now_on_unit = NULL;
  g_autoptr(GPtrArray) before_list = NULL;
  g_autoptr(GPtrArray) patients = NULL;
  g_autofree char *unit_id = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *stored_fingerprint = NULL;
  g_autofree char *refs = NULL;
  g_autofree char *params = NULL;
  g_autofree char *since = NULL;
  g_autofree char *weight = escape_value (LOINC_BODY_WEIGHT);
  g_autofree char *weight_param = g_strconcat ("code=", weight, NULL);
  Query q;
  gboolean ok;

  locations = mar_sync_store_unit_locations (sync->store, sync->unit_location, &unit_id, error);
  if (locations == NULL)
    return FALSE;

  /* A bed added to the unit may already hold a patient: read the unit's
   * encounters again from the start. */
  fingerprint = locations_fingerprint (locations);
  stored_fingerprint = mar_store_dup_setting (sync->store, SYNC_SETTING_UNIT_LOCATIONS, NULL);
  if (g_strcmp0 (fingerprint, stored_fingerprint) != 0 &&
      (!mar_sync_store_clear_watermarks (sync->store, "Encounter@unit", error) ||
       !mar_store_set_setting (sync->store, SYNC_SETTING_UNIT_LOCATIONS, fingerprint, error)))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (patient_scoped_keys); i++)
    if (!ensure_watermark (sync, patient_scoped_keys[i], error))
      return FALSE;

  before = mar_sync_store_patients_at (sync->store, locations, error);
  if (before == NULL)
    return FALSE;
  before_list = set_to_sorted_array (before);

  /* 1. Who is on the unit: its in-progress Encounters, with the patients
   * they name; arrivals are flagged PATIENT_DATA_INCOMPLETE. */
  refs = location_references (locations);
  params = g_strdup_printf ("location=%s&status=in-progress", refs);
  if (!query_init (&q, sync, MAR_FHIR_RESOURCE_ENCOUNTER, "Encounter@unit", TRUE, error))
    return FALSE;
  q.unit_locations = locations;
  q.on_unit = g_hash_table_ref (before);
  since = query_since (&q);
  ok = run_search (&q, params, since, error) && set_watermark_if_newer (&q, error) &&
       query_finish (&q, error);
  g_hash_table_unref (q.on_unit);
  query_clear (&q);
  if (!ok)
    return FALSE;

  /* 2. The encounters of patients who were on the unit: a discharge or a
   * move elsewhere takes them off it. */
  if (!pull_for_patients (sync, MAR_FHIR_RESOURCE_ENCOUNTER, "subject", NULL, before_list,
                          "Encounter@patients", error))
    return FALSE;

  now_on_unit = mar_sync_store_patients_at (sync->store, locations, error);
  if (now_on_unit == NULL)
    return FALSE;
  patients = set_to_sorted_array (now_on_unit);

  /* 3. Full pulls of the patients who arrived (this run or an
   * interrupted one). */
  if (!pull_arrivals (sync, error))
    return FALSE;

  /* 4. What changed for the patients on the unit. */
  {
    Chain chain;

    chain_init (&chain, sync);
    ok = chain_add_patients (&chain, MAR_FHIR_RESOURCE_PATIENT, "_id", NULL, patients, "Patient", error) &&
         chain_add_patients (&chain, MAR_FHIR_RESOURCE_OBSERVATION, "subject", weight_param, patients,
                             "Observation", error) &&
         chain_add_patients (&chain, MAR_FHIR_RESOURCE_ALLERGY_INTOLERANCE, "patient", NULL, patients,
                             "AllergyIntolerance", error) &&
         chain_add_patients (&chain, MAR_FHIR_RESOURCE_MEDICATION_REQUEST, "subject", NULL, patients,
                             "MedicationRequest", error) &&
         chain_add_patients (&chain, MAR_FHIR_RESOURCE_MEDICATION_DISPENSE, "subject", NULL, patients,
                             "MedicationDispense", error) &&
         chain_add_patients (&chain, MAR_FHIR_RESOURCE_MEDICATION_ADMINISTRATION, "subject", NULL, patients,
                             "MedicationAdministration", error) &&
         chain_run (&chain, error);
    chain_clear (&chain);
  }
  return ok;
}

static gboolean
pull_hospital (MarSync  *sync,
               GError  **error)
{
  g_autofree char *weight = escape_value (LOINC_BODY_WEIGHT);
  g_autofree char *weight_param = g_strconcat ("code=", weight, NULL);
  g_autofree char *floor = NULL;
  g_autofree char *mark = NULL;

  Chain chain;
  gboolean ok;

  chain_init (&chain, sync);
  ok = chain_add_type (&chain, MAR_FHIR_RESOURCE_PATIENT, NULL, NULL, error) &&
       chain_add_type (&chain, MAR_FHIR_RESOURCE_ENCOUNTER, NULL, NULL, error) &&
       chain_add_type (&chain, MAR_FHIR_RESOURCE_OBSERVATION, weight_param, NULL, error) &&
       chain_add_type (&chain, MAR_FHIR_RESOURCE_ALLERGY_INTOLERANCE, NULL, NULL, error) &&
       chain_add_type (&chain, MAR_FHIR_RESOURCE_MEDICATION_REQUEST, NULL, NULL, error) &&
       chain_add_type (&chain, MAR_FHIR_RESOURCE_MEDICATION_DISPENSE, NULL, NULL, error);

  /* Administrations: the first load reads the last 72 h (by
   * _lastUpdated, which is never before the dose was charted) plus every
   * running or paused one whatever its age; then what changed. */
  mark = mar_store_dup_watermark (sync->store, "MedicationAdministration", NULL);
  if (ok && mark == NULL)
    {
      Query *q = chain_add_query (&chain, MAR_FHIR_RESOURCE_MEDICATION_ADMINISTRATION, NULL, FALSE, error);

      ok = q != NULL;
      if (ok)
        chain_add_step (&chain, q, "status=in-progress,on-hold", NULL, FALSE);
      floor = mar_time_format_utc (mar_sync_server_now (sync) - MAR_SYNC_ADMINISTRATION_WINDOW);
    }
  ok = ok && chain_add_type (&chain, MAR_FHIR_RESOURCE_MEDICATION_ADMINISTRATION, NULL, floor, error) &&
       chain_run (&chain, error);
  chain_clear (&chain);

  /* Patients flagged while this terminal served a unit: every patient is
   * pulled here, and theirs in full (older data included). */
  return ok && pull_arrivals (sync, error);
}

/* ------------------------------------------------------------------------ */
/* Deletions                                                                */

/* FHIR-PROFILE.md: deletions do not appear in _lastUpdated searches; they
 * are read from [type]/_history?_since= (newest first; a DELETE entry has
 * no resource). Only each resource's newest change counts: deleted, then
 * created again, is not deleted. */
static gboolean
pull_deletions (MarSync             *sync,
                MarFhirResourceType  type,
                GError             **error)
{
  const char *name = mar_fhir_resource_type_to_name (type);
  g_autofree char *key = g_strconcat (name, "/_history", NULL);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *since = NULL;
  g_autofree char *target = NULL;
  Query q;
  gboolean ok = TRUE;

  if (!query_init (&q, sync, type, key, FALSE, error))
    return FALSE;
  if (q.mark == MAR_TIME_UNSET)
    {
      /* Nothing deleted before the first load is in the cache. */
      g_autofree char *now = mar_time_format_utc (mar_sync_server_now (sync));

      query_clear (&q);
      return mar_store_set_watermark (sync->store, key, now, error);
    }
  since = query_since (&q);
  target = g_strdup_printf ("%s/_history?_since=%s&_count=%u", name, since, sync->page_size);

  while (ok && target != NULL)
    {
      g_autoptr(MarHttpResponse) response = get (sync, target, error);
      g_autoptr(GPtrArray) deleted = g_ptr_array_new_with_free_func (g_free);
      JsonObject *bundle;
      JsonArray *entries;
      const char *next;

      if (response == NULL)
        {
          ok = FALSE;
          break;
        }
      if (q.started == 0)
        q.started = response->date;
      bundle = JSON_NODE_HOLDS_OBJECT (response->json) ? json_node_get_object (response->json) : NULL;
      if (g_strcmp0 (member_string (bundle, "resourceType"), "Bundle") != 0 ||
          g_strcmp0 (member_string (bundle, "type"), "history") != 0)
        {
          g_set_error (error, MAR_SYNC_ERROR, MAR_SYNC_ERROR_BAD_BUNDLE,
                       _("The server answered %s/_history with something other than a history Bundle"),
                       name);
          ok = FALSE;
          break;
        }
      entries = member_array (bundle, "entry");
      for (guint i = 0; entries != NULL && i < json_array_get_length (entries); i++)
        {
          JsonNode *node = json_array_get_element (entries, i);
          JsonObject *entry = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
          JsonObject *request = member_object (entry, "request");
          JsonObject *resource = member_object (entry, "resource");
          const char *modified = member_string (member_object (entry, "response"), "lastModified");
          const char *url = member_string (request, "url");
          g_autofree char *ref_type = NULL;
          g_autofree char *ref_id = NULL;
          gint64 when;

          if (modified == NULL)
            modified = member_string (member_object (resource, "meta"), "lastUpdated");
          if (parse_instant (sync, modified, &when) && (q.newest == MAR_TIME_UNSET || when > q.newest))
            {
              q.newest = when;
              g_free (q.newest_text);
              q.newest_text = g_strdup (modified);
            }
          if (resource != NULL && member_string (resource, "id") != NULL)
            {
              g_hash_table_add (seen, g_strdup (member_string (resource, "id")));
              continue;
            }
          if (g_strcmp0 (member_string (request, "method"), "DELETE") != 0)
            continue;
          if ((url == NULL || !mar_fhir_parse_reference (url, NULL, &ref_type, &ref_id, NULL)) &&
              !mar_fhir_parse_reference (member_string (entry, "fullUrl"), NULL, &ref_type, &ref_id, NULL))
            continue;
          if (g_strcmp0 (ref_type, name) != 0 || g_hash_table_contains (seen, ref_id))
            continue;
          g_hash_table_add (seen, g_strdup (ref_id));
          g_ptr_array_add (deleted, g_steal_pointer (&ref_id));
        }

      if (deleted->len > 0)
        {
          if (!mar_store_begin (sync->store, error))
            {
              ok = FALSE;
              break;
            }
          for (guint i = 0; ok && i < deleted->len; i++)
            {
              gboolean changed = FALSE;

              ok = mar_store_mark_removed (sync->store, name, g_ptr_array_index (deleted, i), &changed, error) &&
                   mar_sync_store_release_quarantine (sync->store, name, g_ptr_array_index (deleted, i), error);
              if (ok && changed)
                sync->report->counts[type].removed++;
            }
          if (!ok)
            {
              mar_store_rollback (sync->store);
              break;
            }
          if (!mar_store_commit (sync->store, error))
            {
              ok = FALSE;
              break;
            }
        }

      next = mar_http_bundle_get_next_link (response->json);
      g_free (target);
      target = g_strdup (next);
    }

  /* History comes newest first: the watermark moves only once all of it
   * is read. */
  ok = ok && set_watermark_if_newer (&q, error) && query_finish (&q, error);
  query_clear (&q);
  return ok;
}

/* ------------------------------------------------------------------------ */
/* Quarantine                                                               */

/* A quarantined resource may be storable now: its Medication or Patient
 * has arrived since. The rest stays quarantined until the server sends a
 * fixed version (which the upsert releases). */
static gboolean
retry_quarantined (MarSync  *sync,
                   GError  **error)
{
  g_autoptr(GPtrArray) entries = mar_sync_store_list_quarantined_json (sync->store, error);

  if (entries == NULL)
    return FALSE;
  for (guint i = 0; i < entries->len; i++)
    {
      MarSyncQuarantined *entry = g_ptr_array_index (entries, i);
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(MarFhirResource) resource = NULL;
      g_autoptr(GError) local_error = NULL;
      MarFhirOptions options = { .time_zone = sync->time_zone, .source = "sync" };
      MarStoreChange change;
      JsonNode *root;

      if (!json_parser_load_from_data (parser, entry->json, -1, NULL) ||
          (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
        continue;
      resource = mar_fhir_read_resource (json_node_get_object (root), &options, NULL);
      if (resource == NULL || resource->ignored)
        continue;
      if (!mar_fhir_check_references (sync->store, resource, NULL, &local_error))
        {
          if (local_error->domain == MAR_FHIR_ERROR)
            continue;
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (!mar_store_begin (sync->store, error))
        return FALSE;
      if (!mar_fhir_store_resource (sync->store, resource, &change, error) ||
          !mar_sync_store_release_quarantine (sync->store, entry->resource_type, entry->resource_id, error))
        {
          mar_store_rollback (sync->store);
          return FALSE;
        }
      if (!mar_store_commit (sync->store, error))
        return FALSE;
      sync->report->released++;
    }
  return TRUE;
}

/* ------------------------------------------------------------------------ */

gboolean
mar_sync_pull_locked (MarSync  *sync,
                      GError  **error)
{
  static const MarFhirResourceType history_types[] = {
    MAR_FHIR_RESOURCE_LOCATION, MAR_FHIR_RESOURCE_MEDICATION, MAR_FHIR_RESOURCE_PRACTITIONER,
    MAR_FHIR_RESOURCE_PRACTITIONER_ROLE, MAR_FHIR_RESOURCE_PATIENT, MAR_FHIR_RESOURCE_ENCOUNTER,
    MAR_FHIR_RESOURCE_OBSERVATION, MAR_FHIR_RESOURCE_ALLERGY_INTOLERANCE,
    MAR_FHIR_RESOURCE_MEDICATION_REQUEST, MAR_FHIR_RESOURCE_MEDICATION_DISPENSE,
    MAR_FHIR_RESOURCE_MEDICATION_ADMINISTRATION,
  };

  gboolean ok;

  if (!check_scope (sync, error))
    return FALSE;

  /* The catalog, whole, in dependency order (docs/fhir-import.md). */
  {
    Chain chain;

    chain_init (&chain, sync);
    ok = chain_add_type (&chain, MAR_FHIR_RESOURCE_LOCATION, NULL, NULL, error) &&
         chain_add_type (&chain, MAR_FHIR_RESOURCE_MEDICATION, NULL, NULL, error) &&
         chain_add_type (&chain, MAR_FHIR_RESOURCE_PRACTITIONER, NULL, NULL, error) &&
         chain_add_type (&chain, MAR_FHIR_RESOURCE_PRACTITIONER_ROLE, NULL, NULL, error) &&
         chain_run (&chain, error);
    chain_clear (&chain);
  }
  ok = ok && (sync->unit_location != NULL ? pull_unit (sync, error) : pull_hospital (sync, error));

  for (guint i = 0; ok && i < G_N_ELEMENTS (history_types); i++)
    ok = pull_deletions (sync, history_types[i], error);

  ok = ok && retry_quarantined (sync, error);

  /* The searches that were read to the end count, even in a failed run. */
  if (ok)
    ok = flush_searched (sync, error);
  else if (!flush_searched (sync, NULL))
    g_hash_table_remove_all (sync->searched);
  return ok;
}
