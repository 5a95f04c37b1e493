/*
 * Batched UDP I/O for the media relay (Linux): one IPv4 socket read with recvmmsg(2) and written
 * with sendmmsg(2), so the relay pays one JavaScript call and two system calls per batch of up to
 * DENWA_UDP_BATCH datagrams instead of one call, two allocations and two system calls per datagram
 * through node:dgram.
 *
 * Memory is shared with JavaScript and never allocated per datagram:
 * - rx: DENWA_UDP_BATCH slots of DENWA_UDP_SLOT bytes; rxMeta: 4 uint32 per slot
 *   (length, IPv4 address in host order, port, flags: 1 = truncated);
 * - tx: the same layout, filled by JavaScript; send(handle, count) sends slots [0, count).
 *
 * JavaScript API (see packages/server/src/media/net/native-udp.ts):
 *   open(address, port, rx, rxMeta, tx, txMeta, onBatch, bufferBytes) -> { handle, port }
 *   send(handle, count) -> number of datagrams the kernel refused
 *   close(handle)
 * onBatch(count) is called from the event loop for every batch read; the rx slots are valid until it
 * returns. Thrown JavaScript exceptions propagate like any other event callback's.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <node_api.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#define DENWA_UDP_BATCH 64
#define DENWA_UDP_SLOT 2048
/* Batches read per readiness event before yielding back to the event loop. */
#define DENWA_UDP_ROUNDS 8

typedef struct {
  int fd;
  /* close() was called or the environment is going away: no more reads or sends. */
  int closed;
  /* The poll handle is closed and the references are released. */
  int poll_closed;
  /* JavaScript dropped the handle; the memory goes once the poll handle is closed too. */
  int finalized;
  uv_poll_t poll;
  napi_env env;
  napi_ref on_batch;
  napi_ref buffers[4];
  napi_async_context async_context;
  uint8_t *rx;
  uint32_t *rx_meta;
  uint8_t *tx;
  uint32_t *tx_meta;
  struct mmsghdr rx_msgs[DENWA_UDP_BATCH];
  struct iovec rx_iov[DENWA_UDP_BATCH];
  struct sockaddr_in rx_addr[DENWA_UDP_BATCH];
  struct mmsghdr tx_msgs[DENWA_UDP_BATCH];
  struct iovec tx_iov[DENWA_UDP_BATCH];
  struct sockaddr_in tx_addr[DENWA_UDP_BATCH];
} denwa_udp;

static void cleanup_hook(void *arg);

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

static void on_readable(uv_poll_t *poll, int status, int events) {
  denwa_udp *u = (denwa_udp *)poll->data;
  (void)events;
  if (u->closed || status < 0) return;
  napi_env env = u->env;
  for (int round = 0; round < DENWA_UDP_ROUNDS && !u->closed; round++) {
    for (int i = 0; i < DENWA_UDP_BATCH; i++) {
      u->rx_iov[i].iov_base = u->rx + (size_t)i * DENWA_UDP_SLOT;
      u->rx_iov[i].iov_len = DENWA_UDP_SLOT;
      memset(&u->rx_msgs[i].msg_hdr, 0, sizeof(struct msghdr));
      u->rx_msgs[i].msg_hdr.msg_iov = &u->rx_iov[i];
      u->rx_msgs[i].msg_hdr.msg_iovlen = 1;
      u->rx_msgs[i].msg_hdr.msg_name = &u->rx_addr[i];
      u->rx_msgs[i].msg_hdr.msg_namelen = sizeof(struct sockaddr_in);
    }
    int n = recvmmsg(u->fd, u->rx_msgs, DENWA_UDP_BATCH, MSG_DONTWAIT, NULL);
    if (n <= 0) return; /* EAGAIN, or an error the next readiness event reports again */
    for (int i = 0; i < n; i++) {
      uint32_t *m = u->rx_meta + 4 * i;
      m[0] = u->rx_msgs[i].msg_len;
      m[1] = ntohl(u->rx_addr[i].sin_addr.s_addr);
      m[2] = ntohs(u->rx_addr[i].sin_port);
      m[3] = (u->rx_msgs[i].msg_hdr.msg_flags & MSG_TRUNC) ? 1u : 0u;
    }
    napi_handle_scope scope;
    if (napi_open_handle_scope(env, &scope) != napi_ok) return;
    napi_value fn, recv, argv[1], result;
    int ok = napi_get_reference_value(env, u->on_batch, &fn) == napi_ok &&
             napi_get_global(env, &recv) == napi_ok &&
             napi_create_uint32(env, (uint32_t)n, &argv[0]) == napi_ok;
    if (ok && napi_make_callback(env, u->async_context, recv, fn, 1, argv, &result) == napi_pending_exception) {
      /* As for any event callback: the exception becomes the process's uncaught exception. */
      napi_value error;
      if (napi_get_and_clear_last_exception(env, &error) == napi_ok) napi_fatal_exception(env, error);
    }
    napi_close_handle_scope(env, scope);
    if (n < DENWA_UDP_BATCH) return;
  }
}

/* Releases what keeps JavaScript objects alive (the callback and the shared buffers). */
static void release_references(denwa_udp *u) {
  napi_env env = u->env;
  if (u->on_batch != NULL) napi_delete_reference(env, u->on_batch);
  u->on_batch = NULL;
  for (int i = 0; i < 4; i++) {
    if (u->buffers[i] != NULL) napi_delete_reference(env, u->buffers[i]);
    u->buffers[i] = NULL;
  }
  if (u->async_context != NULL) napi_async_destroy(env, u->async_context);
  u->async_context = NULL;
}

static void on_poll_closed(uv_handle_t *handle) {
  denwa_udp *u = (denwa_udp *)handle->data;
  close(u->fd);
  release_references(u);
  u->poll_closed = 1;
  if (u->finalized) free(u);
}

static void close_handle(denwa_udp *u) {
  if (u->closed) return;
  u->closed = 1;
  napi_remove_env_cleanup_hook(u->env, cleanup_hook, u);
  uv_poll_stop(&u->poll);
  uv_close((uv_handle_t *)&u->poll, on_poll_closed);
}

/* The environment is going away (process exit, worker end): stop polling and close the socket. */
static void cleanup_hook(void *arg) {
  denwa_udp *u = (denwa_udp *)arg;
  if (u->closed) return;
  u->closed = 1;
  uv_poll_stop(&u->poll);
  close(u->fd);
}

/* The handle's JavaScript object was collected. */
static void finalize(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  denwa_udp *u = (denwa_udp *)data;
  u->finalized = 1;
  if (!u->closed) close_handle(u);
  else if (u->poll_closed) free(u);
}

static napi_value js_open(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 8) return throw_type(env, "open() takes 8 arguments");
  char address[64];
  size_t address_len = 0;
  if (napi_get_value_string_utf8(env, argv[0], address, sizeof address, &address_len) != napi_ok) return throw_type(env, "address must be a string");
  uint32_t port = 0, buffer_bytes = 0;
  if (napi_get_value_uint32(env, argv[1], &port) != napi_ok || port > 65535) return throw_type(env, "port must be 0-65535");
  if (napi_get_value_uint32(env, argv[7], &buffer_bytes) != napi_ok) return throw_type(env, "bufferBytes must be a number");
  void *rx, *rx_meta, *tx, *tx_meta;
  if (!arraybuffer(env, argv[2], (size_t)DENWA_UDP_BATCH * DENWA_UDP_SLOT, &rx) ||
      !arraybuffer(env, argv[3], (size_t)DENWA_UDP_BATCH * 16, &rx_meta) ||
      !arraybuffer(env, argv[4], (size_t)DENWA_UDP_BATCH * DENWA_UDP_SLOT, &tx) ||
      !arraybuffer(env, argv[5], (size_t)DENWA_UDP_BATCH * 16, &tx_meta)) {
    return throw_type(env, "rx, rxMeta, tx and txMeta must be ArrayBuffers of the batch size");
  }
  napi_valuetype fn_type;
  if (napi_typeof(env, argv[6], &fn_type) != napi_ok || fn_type != napi_function) return throw_type(env, "onBatch must be a function");

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
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, "bind", err);
  }
  struct sockaddr_in bound;
  socklen_t bound_len = sizeof bound;
  if (getsockname(fd, (struct sockaddr *)&bound, &bound_len) != 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, "getsockname", err);
  }

  denwa_udp *u = calloc(1, sizeof(denwa_udp));
  if (u == NULL) {
    close(fd);
    return throw_errno(env, "calloc", ENOMEM);
  }
  u->fd = fd;
  u->env = env;
  u->rx = rx;
  u->rx_meta = rx_meta;
  u->tx = tx;
  u->tx_meta = tx_meta;
  napi_value resource_name;
  uv_loop_t *loop = NULL;
  int ok = napi_create_reference(env, argv[6], 1, &u->on_batch) == napi_ok;
  for (int i = 0; ok && i < 4; i++) ok = napi_create_reference(env, argv[2 + i], 1, &u->buffers[i]) == napi_ok;
  ok = ok && napi_create_string_utf8(env, "DenwaUdp", NAPI_AUTO_LENGTH, &resource_name) == napi_ok;
  ok = ok && napi_async_init(env, NULL, resource_name, &u->async_context) == napi_ok;
  ok = ok && napi_get_uv_event_loop(env, &loop) == napi_ok;
  ok = ok && uv_poll_init_socket(loop, &u->poll, fd) == 0;
  if (!ok) {
    close(fd);
    release_references(u);
    free(u);
    napi_throw_error(env, "EIO", "cannot set up the UDP poll handle");
    return NULL;
  }
  u->poll.data = u;
  if (uv_poll_start(&u->poll, UV_READABLE, on_readable) != 0) {
    u->closed = 1;
    u->finalized = 1; /* no JavaScript object will own it: free once closed */
    uv_close((uv_handle_t *)&u->poll, on_poll_closed);
    napi_throw_error(env, "EIO", "cannot poll the UDP socket");
    return NULL;
  }
  napi_add_env_cleanup_hook(env, cleanup_hook, u);

  napi_value result, handle, bound_port;
  napi_create_object(env, &result);
  napi_create_external(env, u, finalize, NULL, &handle);
  napi_create_uint32(env, ntohs(bound.sin_port), &bound_port);
  napi_set_named_property(env, result, "handle", handle);
  napi_set_named_property(env, result, "port", bound_port);
  return result;
}

static denwa_udp *handle_of(napi_env env, napi_value value) {
  void *data = NULL;
  napi_valuetype type;
  if (napi_typeof(env, value, &type) != napi_ok || type != napi_external) return NULL;
  if (napi_get_value_external(env, value, &data) != napi_ok) return NULL;
  return (denwa_udp *)data;
}

static napi_value js_send(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  denwa_udp *u = argc == 2 ? handle_of(env, argv[0]) : NULL;
  uint32_t count = 0;
  if (u == NULL || napi_get_value_uint32(env, argv[1], &count) != napi_ok) return throw_type(env, "send(handle, count)");
  if (count > DENWA_UDP_BATCH) count = DENWA_UDP_BATCH;
  uint32_t refused = 0;
  if (u->closed) {
    refused = count;
    count = 0;
  }
  unsigned int prepared = 0;
  for (uint32_t i = 0; i < count; i++) {
    const uint32_t *m = u->tx_meta + 4 * i;
    if (m[0] > DENWA_UDP_SLOT || m[2] == 0 || m[2] > 65535) {
      refused++;
      continue;
    }
    struct sockaddr_in *a = &u->tx_addr[prepared];
    memset(a, 0, sizeof *a);
    a->sin_family = AF_INET;
    a->sin_addr.s_addr = htonl(m[1]);
    a->sin_port = htons((uint16_t)m[2]);
    u->tx_iov[prepared].iov_base = u->tx + (size_t)i * DENWA_UDP_SLOT;
    u->tx_iov[prepared].iov_len = m[0];
    memset(&u->tx_msgs[prepared].msg_hdr, 0, sizeof(struct msghdr));
    u->tx_msgs[prepared].msg_hdr.msg_iov = &u->tx_iov[prepared];
    u->tx_msgs[prepared].msg_hdr.msg_iovlen = 1;
    u->tx_msgs[prepared].msg_hdr.msg_name = a;
    u->tx_msgs[prepared].msg_hdr.msg_namelen = sizeof *a;
    prepared++;
  }
  unsigned int sent = 0;
  while (sent < prepared) {
    int n = sendmmsg(u->fd, u->tx_msgs + sent, prepared - sent, MSG_DONTWAIT);
    if (n > 0) {
      sent += (unsigned int)n;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    /* A datagram the kernel refuses (EAGAIN, unreachable, …) is dropped, as UDP does; go on. */
    sent++;
    refused++;
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
  close_handle(u);
  return NULL;
}

static napi_value init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
    {"open", NULL, js_open, NULL, NULL, NULL, napi_default, NULL},
    {"send", NULL, js_send, NULL, NULL, NULL, napi_default, NULL},
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
