/*
 * Batched UDP I/O for the media relay (Linux, IPv4). All of a Node environment's relay sockets (the
 * WebRTC port and one port per SIP leg) belong to one group:
 * - reading: one epoll set holds every socket and libuv polls that set, so whatever is readable on
 *   any socket is read with recvmmsg(2) into one set of slots and handed to JavaScript in one call;
 * - writing: JavaScript queues the datagrams of every socket in one set of slots and sends them with
 *   one call, one sendmmsg(2) per run of slots from the same socket.
 * A relay bridging its WebRTC port to hundreds of SIP-leg ports thus pays one JavaScript call per
 * batch of up to DENWA_UDP_BATCH datagrams in each direction, not one per datagram.
 *
 * Memory is shared with JavaScript and never allocated per datagram (one set per environment):
 * - rx: DENWA_UDP_BATCH slots of DENWA_UDP_SLOT bytes; rxMeta: 4 uint32 per slot (length, IPv4
 *   address in host order, port, socket id << 1 | 1 when truncated);
 * - tx: the same layout, filled by JavaScript, with the fourth uint32 the sending socket's id.
 *
 * JavaScript API (see packages/server/src/media/net/native-udp.ts):
 *   attach(rx, rxMeta, tx, txMeta, onBatch)   once per environment, before open
 *   open(address, port, bufferBytes) -> { handle, port, id }
 *   sendQueue(count) -> number of datagrams refused (closed socket, bad slot, kernel); the length of
 *     each refused slot is set to 0xffffffff so the caller can tell whose they were
 *   close(handle)
 * onBatch(count) is called from the event loop for every batch read; the rx slots are valid until it
 * returns. Thrown JavaScript exceptions propagate like any other event callback's. Socket ids are
 * per environment and are reused only after every other free id has been given out.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <node_api.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#define DENWA_UDP_BATCH 64
#define DENWA_UDP_SLOT 2048
/* Batches read per readiness event before yielding back to the event loop. */
#define DENWA_UDP_ROUNDS 8

struct denwa_group;

typedef struct {
  int fd;
  /* 1-based index in the group's table; 0 once closed. */
  uint32_t id;
  /* close() was called or the environment is going away: no more reads or sends. */
  int closed;
  struct denwa_group *group;
} denwa_udp;

typedef struct denwa_group {
  napi_env env;
  int epfd;
  /* attach() set up the poll handle, the callback and the shared buffers. */
  int attached;
  /* The environment is going away: nothing is read or sent any more. */
  int closing;
  /* The instance data was finalized; the memory goes once the poll handle is closed too. */
  int orphaned;
  int poll_closed;
  /* Open sockets: the set is polled (and keeps the event loop alive) only while there are some. */
  uint32_t open_count;
  uv_poll_t poll;
  napi_ref on_batch;
  napi_ref buffers[4];
  napi_async_context async_context;
  uint8_t *rx;
  uint32_t *rx_meta;
  uint8_t *tx;
  uint32_t *tx_meta;
  denwa_udp **sockets;
  uint32_t capacity;
  /* Where the search for a free id starts: ids come back into use as late as possible. */
  uint32_t cursor;
  /* Which ready socket is read first, turn by turn, so a busy one cannot starve the others. */
  uint32_t turn;
  struct epoll_event events[DENWA_UDP_BATCH];
  struct mmsghdr rx_msgs[DENWA_UDP_BATCH];
  struct iovec rx_iov[DENWA_UDP_BATCH];
  struct sockaddr_in rx_addr[DENWA_UDP_BATCH];
  struct mmsghdr tx_msgs[DENWA_UDP_BATCH];
  struct iovec tx_iov[DENWA_UDP_BATCH];
  struct sockaddr_in tx_addr[DENWA_UDP_BATCH];
} denwa_group;

static const char *errno_code(int err) {
  switch (err) {
    case EADDRINUSE: return "EADDRINUSE";
    case EADDRNOTAVAIL: return "EADDRNOTAVAIL";
    case EACCES: return "EACCES";
    case EINVAL: return "EINVAL";
    case EMFILE: return "EMFILE";
    case ENFILE: return "ENFILE";
    case ENOBUFS: return "ENOBUFS";
    case ENOMEM: return "ENOMEM";
    default: return "EIO";
  }
}

static napi_value throw_errno(napi_env env, const char *what, int err) {
  char message[160];
  snprintf(message, sizeof message, "%s: %s", what, strerror(err));
  napi_throw_error(env, errno_code(err), message);
  return NULL;
}

static napi_value throw_type(napi_env env, const char *message) {
  napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", message);
  return NULL;
}

/* Takes `count` bytes of the ArrayBuffer `value` or fails. */
static int arraybuffer(napi_env env, napi_value value, size_t count, void **data) {
  bool is_ab = false;
  size_t length = 0;
  if (napi_is_arraybuffer(env, value, &is_ab) != napi_ok || !is_ab) return 0;
  if (napi_get_arraybuffer_info(env, value, data, &length) != napi_ok) return 0;
  return length >= count;
}

static denwa_group *group_of(napi_env env) {
  denwa_group *g = NULL;
  if (napi_get_instance_data(env, (void **)&g) != napi_ok) return NULL;
  return g;
}

/* Gives `u` a free id; 0 when memory runs out. */
static uint32_t table_add(denwa_group *g, denwa_udp *u) {
  for (uint32_t k = 0; k < g->capacity; k++) {
    uint32_t i = (g->cursor + k) % g->capacity;
    if (g->sockets[i] == NULL) {
      g->sockets[i] = u;
      g->cursor = i + 1;
      return i + 1;
    }
  }
  uint32_t capacity = g->capacity == 0 ? 64 : g->capacity * 2;
  denwa_udp **grown = realloc(g->sockets, (size_t)capacity * sizeof *grown);
  if (grown == NULL) return 0;
  memset(grown + g->capacity, 0, (size_t)(capacity - g->capacity) * sizeof *grown);
  uint32_t i = g->capacity;
  grown[i] = u;
  g->sockets = grown;
  g->capacity = capacity;
  g->cursor = i + 1;
  return i + 1;
}

static denwa_udp *table_get(denwa_group *g, uint32_t id) {
  denwa_udp *u = id >= 1 && id <= g->capacity ? g->sockets[id - 1] : NULL;
  return u != NULL && !u->closed ? u : NULL;
}

/* Stops reading and sending on `u` and closes its descriptor; the struct stays for its finalizer. */
static void close_socket(denwa_udp *u) {
  if (u->closed) return;
  u->closed = 1;
  denwa_group *g = u->group;
  if (u->id != 0 && g->sockets[u->id - 1] == u) g->sockets[u->id - 1] = NULL;
  u->id = 0;
  if (g->epfd >= 0) epoll_ctl(g->epfd, EPOLL_CTL_DEL, u->fd, NULL);
  close(u->fd);
  if (--g->open_count == 0 && !g->closing) uv_poll_stop(&g->poll);
}

/* Reads what is waiting on the group's ready sockets into the rx slots; returns how many. */
static int read_ready(denwa_group *g, int *more) {
  int ready = epoll_wait(g->epfd, g->events, DENWA_UDP_BATCH, 0);
  *more = ready == DENWA_UDP_BATCH;
  int filled = 0;
  uint32_t first = ready > 0 ? g->turn++ % (uint32_t)ready : 0;
  for (int k = 0; k < ready && filled < DENWA_UDP_BATCH; k++) {
    uint32_t id = g->events[(first + (uint32_t)k) % (uint32_t)ready].data.u32;
    denwa_udp *u = table_get(g, id);
    if (u == NULL) continue;
    for (int i = filled; i < DENWA_UDP_BATCH; i++) {
      g->rx_iov[i].iov_base = g->rx + (size_t)i * DENWA_UDP_SLOT;
      g->rx_iov[i].iov_len = DENWA_UDP_SLOT;
      memset(&g->rx_msgs[i].msg_hdr, 0, sizeof(struct msghdr));
      g->rx_msgs[i].msg_hdr.msg_iov = &g->rx_iov[i];
      g->rx_msgs[i].msg_hdr.msg_iovlen = 1;
      g->rx_msgs[i].msg_hdr.msg_name = &g->rx_addr[i];
      g->rx_msgs[i].msg_hdr.msg_namelen = sizeof(struct sockaddr_in);
    }
    int n = recvmmsg(u->fd, g->rx_msgs + filled, DENWA_UDP_BATCH - filled, MSG_DONTWAIT, NULL);
    if (n <= 0) continue; /* EAGAIN, or an error the next readiness event reports again */
    for (int i = filled; i < filled + n; i++) {
      uint32_t *m = g->rx_meta + 4 * i;
      m[0] = g->rx_msgs[i].msg_len;
      m[1] = ntohl(g->rx_addr[i].sin_addr.s_addr);
      m[2] = ntohs(g->rx_addr[i].sin_port);
      m[3] = (id << 1) | ((g->rx_msgs[i].msg_hdr.msg_flags & MSG_TRUNC) ? 1u : 0u);
    }
    filled += n;
    /* The slots ran out: this socket (level-triggered) or the next is read in the next round. */
    if (filled == DENWA_UDP_BATCH) *more = 1;
  }
  return filled;
}

static void on_readable(uv_poll_t *poll, int status, int events) {
  denwa_group *g = (denwa_group *)poll->data;
  (void)events;
  if (g->closing || status < 0) return;
  napi_env env = g->env;
  for (int round = 0; round < DENWA_UDP_ROUNDS && !g->closing; round++) {
    int more = 0;
    int n = read_ready(g, &more);
    if (n == 0) return;
    napi_handle_scope scope;
    if (napi_open_handle_scope(env, &scope) != napi_ok) return;
    napi_value fn, recv, argv[1], result;
    int ok = napi_get_reference_value(env, g->on_batch, &fn) == napi_ok &&
             napi_get_global(env, &recv) == napi_ok &&
             napi_create_uint32(env, (uint32_t)n, &argv[0]) == napi_ok;
    if (ok && napi_make_callback(env, g->async_context, recv, fn, 1, argv, &result) == napi_pending_exception) {
      /* As for any event callback: the exception becomes the process's uncaught exception. */
      napi_value error;
      if (napi_get_and_clear_last_exception(env, &error) == napi_ok) napi_fatal_exception(env, error);
    }
    napi_close_handle_scope(env, scope);
    if (!more) return;
  }
}

/* Releases what keeps JavaScript objects alive (the callback and the shared buffers). */
static void release_references(denwa_group *g) {
  napi_env env = g->env;
  if (g->on_batch != NULL) napi_delete_reference(env, g->on_batch);
  g->on_batch = NULL;
  for (int i = 0; i < 4; i++) {
    if (g->buffers[i] != NULL) napi_delete_reference(env, g->buffers[i]);
    g->buffers[i] = NULL;
  }
  if (g->async_context != NULL) napi_async_destroy(env, g->async_context);
  g->async_context = NULL;
}

static void free_group(denwa_group *g) {
  free(g->sockets);
  free(g);
}

static void on_poll_closed(uv_handle_t *handle) {
  denwa_group *g = (denwa_group *)handle->data;
  g->poll_closed = 1;
  if (g->orphaned) free_group(g);
}

/* The environment is going away (process exit, worker end): stop polling, close every socket. */
static void cleanup_hook(void *arg) {
  denwa_group *g = (denwa_group *)arg;
  g->closing = 1;
  for (uint32_t i = 0; i < g->capacity; i++) {
    if (g->sockets[i] != NULL) close_socket(g->sockets[i]);
  }
  uv_poll_stop(&g->poll);
  uv_close((uv_handle_t *)&g->poll, on_poll_closed);
  close(g->epfd);
  g->epfd = -1;
}

/* The instance data is finalized after the cleanup hook ran (hooks run in reverse order). */
static void finalize_group(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  denwa_group *g = (denwa_group *)data;
  if (!g->attached || g->poll_closed) free_group(g);
  else g->orphaned = 1;
}

static napi_value js_attach(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 5) return throw_type(env, "attach() takes 5 arguments");
  denwa_group *g = group_of(env);
  if (g == NULL) return throw_type(env, "the addon is not initialised");
  if (g->attached) return throw_type(env, "attach() is called once");
  void *rx, *rx_meta, *tx, *tx_meta;
  if (!arraybuffer(env, argv[0], (size_t)DENWA_UDP_BATCH * DENWA_UDP_SLOT, &rx) ||
      !arraybuffer(env, argv[1], (size_t)DENWA_UDP_BATCH * 16, &rx_meta) ||
      !arraybuffer(env, argv[2], (size_t)DENWA_UDP_BATCH * DENWA_UDP_SLOT, &tx) ||
      !arraybuffer(env, argv[3], (size_t)DENWA_UDP_BATCH * 16, &tx_meta)) {
    return throw_type(env, "rx, rxMeta, tx and txMeta must be ArrayBuffers of the batch size");
  }
  napi_valuetype fn_type;
  if (napi_typeof(env, argv[4], &fn_type) != napi_ok || fn_type != napi_function) return throw_type(env, "onBatch must be a function");
  int epfd = epoll_create1(EPOLL_CLOEXEC);
  if (epfd < 0) return throw_errno(env, "epoll_create1", errno);
  g->rx = rx;
  g->rx_meta = rx_meta;
  g->tx = tx;
  g->tx_meta = tx_meta;
  napi_value resource_name;
  uv_loop_t *loop = NULL;
  int ok = napi_create_reference(env, argv[4], 1, &g->on_batch) == napi_ok;
  for (int i = 0; ok && i < 4; i++) ok = napi_create_reference(env, argv[i], 1, &g->buffers[i]) == napi_ok;
  ok = ok && napi_create_string_utf8(env, "DenwaUdp", NAPI_AUTO_LENGTH, &resource_name) == napi_ok;
  ok = ok && napi_async_init(env, NULL, resource_name, &g->async_context) == napi_ok;
  ok = ok && napi_get_uv_event_loop(env, &loop) == napi_ok;
  ok = ok && uv_poll_init(loop, &g->poll, epfd) == 0;
  if (!ok) {
    close(epfd);
    release_references(g);
    napi_throw_error(env, "EIO", "cannot set up the UDP poll handle");
    return NULL;
  }
  g->epfd = epfd;
  g->attached = 1;
  g->poll.data = g;
  napi_add_env_cleanup_hook(env, cleanup_hook, g);
  return NULL;
}

/* The socket's JavaScript object was collected. */
static void finalize_socket(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  denwa_udp *u = (denwa_udp *)data;
  if (!u->closed) close_socket(u);
  free(u);
}

static napi_value js_open(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 3) return throw_type(env, "open() takes 3 arguments");
  denwa_group *g = group_of(env);
  if (g == NULL || !g->attached || g->closing) return throw_type(env, "attach() first");
  char address[64];
  size_t address_len = 0;
  if (napi_get_value_string_utf8(env, argv[0], address, sizeof address, &address_len) != napi_ok) return throw_type(env, "address must be a string");
  uint32_t port = 0, buffer_bytes = 0;
  if (napi_get_value_uint32(env, argv[1], &port) != napi_ok || port > 65535) return throw_type(env, "port must be 0-65535");
  if (napi_get_value_uint32(env, argv[2], &buffer_bytes) != napi_ok) return throw_type(env, "bufferBytes must be a number");

  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons((uint16_t)port);
  if (inet_pton(AF_INET, address, &sa.sin_addr) != 1) return throw_type(env, "address must be an IPv4 address");

  int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, "socket", errno);
  if (buffer_bytes > 0) {
    int size = (int)buffer_bytes;
    /* Best effort: the OS cap (net.core.rmem_max / wmem_max) applies. */
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
  }
  struct sockaddr_in bound;
  socklen_t bound_len = sizeof bound;
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 || getsockname(fd, (struct sockaddr *)&bound, &bound_len) != 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, "bind", err);
  }
  denwa_udp *u = calloc(1, sizeof(denwa_udp));
  if (u == NULL) {
    close(fd);
    return throw_errno(env, "calloc", ENOMEM);
  }
  u->fd = fd;
  u->group = g;
  u->id = table_add(g, u);
  if (u->id == 0) {
    close(fd);
    free(u);
    return throw_errno(env, "open", ENOMEM);
  }
  struct epoll_event ev;
  memset(&ev, 0, sizeof ev);
  ev.events = EPOLLIN;
  ev.data.u32 = u->id;
  if (epoll_ctl(g->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
    int err = errno;
    g->sockets[u->id - 1] = NULL;
    close(fd);
    free(u);
    return throw_errno(env, "epoll_ctl", err);
  }
  if (g->open_count == 0 && uv_poll_start(&g->poll, UV_READABLE, on_readable) != 0) {
    epoll_ctl(g->epfd, EPOLL_CTL_DEL, fd, NULL);
    g->sockets[u->id - 1] = NULL;
    close(fd);
    free(u);
    napi_throw_error(env, "EIO", "cannot poll the UDP sockets");
    return NULL;
  }
  g->open_count++;

  napi_value result, handle, bound_port, id;
  napi_create_object(env, &result);
  if (napi_create_external(env, u, finalize_socket, NULL, &handle) != napi_ok) {
    close_socket(u);
    free(u);
    napi_throw_error(env, "EIO", "cannot wrap the UDP socket");
    return NULL;
  }
  napi_create_uint32(env, ntohs(bound.sin_port), &bound_port);
  napi_create_uint32(env, u->id, &id);
  napi_set_named_property(env, result, "handle", handle);
  napi_set_named_property(env, result, "port", bound_port);
  napi_set_named_property(env, result, "id", id);
  return result;
}

static denwa_udp *handle_of(napi_env env, napi_value value) {
  void *data = NULL;
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok || type != napi_external) return NULL;
  if (napi_get_value_external(env, value, &data) != napi_ok) return NULL;
  return (denwa_udp *)data;
}

/* Sends the run of `count` prepared messages on `u`; returns how many the kernel refused. */
static uint32_t send_run(denwa_group *g, denwa_udp *u, unsigned int start, unsigned int count, const uint32_t *from) {
  uint32_t refused = 0;
  unsigned int sent = 0;
  while (sent < count) {
    int n = sendmmsg(u->fd, g->tx_msgs + start + sent, count - sent, MSG_DONTWAIT);
    if (n > 0) {
      sent += (unsigned int)n;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    /* A datagram the kernel refuses (EAGAIN, unreachable, …) is dropped, as UDP does; go on. */
    g->tx_meta[4 * from[start + sent]] = 0xffffffffu;
    sent++;
    refused++;
  }
  return refused;
}

/* Sends slots [0, count) of the tx buffers, each from the socket its id names. */
static napi_value js_send_queue(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  uint32_t count = 0;
  denwa_group *g = group_of(env);
  if (argc != 1 || napi_get_value_uint32(env, argv[0], &count) != napi_ok || g == NULL || !g->attached) return throw_type(env, "sendQueue(count)");
  if (count > DENWA_UDP_BATCH) count = DENWA_UDP_BATCH;
  uint32_t from[DENWA_UDP_BATCH];
  uint32_t refused = 0;
  unsigned int prepared = 0;
  uint32_t i = 0;
  while (i < count) {
    /* One run: consecutive slots of the same socket, sent with one sendmmsg. */
    uint32_t id = g->tx_meta[4 * i + 3];
    denwa_udp *u = g->closing ? NULL : table_get(g, id);
    unsigned int start = prepared;
    for (; i < count && g->tx_meta[4 * i + 3] == id; i++) {
      uint32_t *m = g->tx_meta + 4 * i;
      if (u == NULL || m[0] > DENWA_UDP_SLOT || m[2] == 0 || m[2] > 65535) {
        m[0] = 0xffffffffu;
        refused++;
        continue;
      }
      struct sockaddr_in *a = &g->tx_addr[prepared];
      memset(a, 0, sizeof *a);
      a->sin_family = AF_INET;
      a->sin_addr.s_addr = htonl(m[1]);
      a->sin_port = htons((uint16_t)m[2]);
      g->tx_iov[prepared].iov_base = g->tx + (size_t)i * DENWA_UDP_SLOT;
      g->tx_iov[prepared].iov_len = m[0];
      memset(&g->tx_msgs[prepared].msg_hdr, 0, sizeof(struct msghdr));
      g->tx_msgs[prepared].msg_hdr.msg_iov = &g->tx_iov[prepared];
      g->tx_msgs[prepared].msg_hdr.msg_iovlen = 1;
      g->tx_msgs[prepared].msg_hdr.msg_name = a;
      g->tx_msgs[prepared].msg_hdr.msg_namelen = sizeof *a;
      from[prepared] = i;
      prepared++;
    }
    if (prepared > start) refused += send_run(g, u, start, prepared - start, from);
  }
  napi_value result;
  napi_create_uint32(env, refused, &result);
  return result;
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  denwa_udp *u = argc == 1 ? handle_of(env, argv[0]) : NULL;
  if (u == NULL) return throw_type(env, "close(handle)");
  close_socket(u);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  denwa_group *g = calloc(1, sizeof *g);
  if (g == NULL) {
    napi_throw_error(env, "ENOMEM", "cannot initialise the UDP addon");
    return NULL;
  }
  g->env = env;
  g->epfd = -1;
  if (napi_set_instance_data(env, g, finalize_group, NULL) != napi_ok) {
    free(g);
    napi_throw_error(env, "EIO", "cannot initialise the UDP addon");
    return NULL;
  }
  napi_property_descriptor props[] = {
    {"attach", NULL, js_attach, NULL, NULL, NULL, napi_default, NULL},
    {"open", NULL, js_open, NULL, NULL, NULL, napi_default, NULL},
    {"sendQueue", NULL, js_send_queue, NULL, NULL, NULL, napi_default, NULL},
    {"close", NULL, js_close, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  napi_value batch, slot;
  napi_create_uint32(env, DENWA_UDP_BATCH, &batch);
  napi_create_uint32(env, DENWA_UDP_SLOT, &slot);
  napi_set_named_property(env, exports, "batch", batch);
  napi_set_named_property(env, exports, "slot", slot);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, init)
