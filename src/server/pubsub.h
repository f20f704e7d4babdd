/*
 * pubsub.h - Pub/Sub: channel, pattern and shard-channel subscriptions, and
 * keyspace notifications.
 *
 * Each shard keeps the subscriptions of its own connections only. A PUBLISH
 * runs on every shard (route R_ALL, replies summed): each shard encodes the
 * message once and appends the same bytes to each of its subscribers'
 * output, then answers how many it reached. Keyspace notifications are
 * published the same way, without a reply, from the shard owning the key.
 */
#ifndef SERVER_PUBSUB_H
#define SERVER_PUBSUB_H

#include "../server.h"

struct conn;

/* Does the connection hold any subscription (Redis's CLIENT_PUBSUB flag:
 * RESP2 clients are then restricted to the subscription commands)? */
int pubsub_subscribed(const struct conn *c);
/* Subscription counts for CLIENT LIST: channels, patterns, shard channels. */
void pubsub_counts(const struct conn *c, int *sub, int *psub, int *ssub);
/* Drop every subscription of c without replying (RESET, connection close). */
void pubsub_conn_gone(struct conn *c);
/* Has shard `shard` any subscription (channel, pattern or shard channel)?
 * Any thread may ask; a subscription confirmed to its client is seen. */
int pubsub_shard_live(int shard);
/* Has any shard other than `self` a subscription? */
int pubsub_others_live(int self);
/* Which client-output-buffer-limit class applies to c (CONFIG_OBUF_*). */
int pubsub_obuf_class(const struct conn *c);

/* Publish a keyspace notification for `key` in database dbid (Redis's
 * notifyKeyspaceEvent): `type` is one NOTIFY_* class, `event` the event
 * name. A no-op unless notify-keyspace-events enables the class. Runs on
 * the shard owning the key; subscribers on every shard receive it. */
void notify_keyspace_event(int type, const char *event, const char *key, size_t klen, int dbid);

/* INFO: append this shard's channel, pattern and shard-channel names to b;
 * pubsub_info_distinct counts, from every shard's appended bytes, the
 * distinct channels, patterns and shard channels (out[0..2]). */
void pubsub_info_part(struct shard *sh, struct buf *b);
void pubsub_info_distinct(const char *const *parts, const size_t *lens, int nparts, long long out[3]);

/* Send the keyspace notifications queued in this loop iteration to the
 * shards that have subscribers (before the iteration's batches go out). */
void pubsub_flush(struct shard *sh);
/* A subscribed client sees the keyspace events of its own command where
 * Redis puts them: before the reply, or after it for the events a command
 * raises once its reply has begun (never inside it), wherever the keys
 * live. Around such a command: pubsub_watch with the buffer its reply is
 * written to (from its length now) and either the client, when it runs
 * here with its reply in its own output, or the hole its reply will fill;
 * pubsub_unwatch after it (appends what was held back for the client).
 * For a command run for another shard (reply into the batch, neither
 * client nor hole), that shard then sends the events queued for the origin
 * d up to where the reply began (the end of pubsub_notify_ahead, 0 if none
 * are unsent) ahead of the reply entry (pubsub_notify_send), with `cause`,
 * the origin's hole or gather part: there the client of that hole gets
 * them queued in front of it (they happened before its command ran). */
void pubsub_watch(struct shard *sh, struct conn *conn, struct oseg *hole, struct buf *reply);
void pubsub_unwatch(struct shard *sh);
size_t pubsub_notify_ahead(struct shard *sh, int d);
void pubsub_notify_send(struct shard *sh, int d, uint64_t cause, size_t upto);
/* From the cron: free the message log's chunks no queue refers to any more. */
void pubsub_cron(struct shard *sh);

#endif
