import type { AccountSid, NotificationSid } from '@denwa/protocol';
import type { Selectable } from 'kysely';
import type { NotificationFilter, NotificationRecord, NotificationStore, Page, PageRequest } from '../ports.ts';
import type { NotificationsTable } from './database.ts';
import { fetchPage, findScoped } from './scoped-queries.ts';
import type { StoreContext } from './store-context.ts';

function toRecord(row: Selectable<NotificationsTable>): NotificationRecord {
  return {
    sid: row.sid,
    accountSid: row.account_sid,
    callSid: row.call_sid,
    errorCode: row.error_code,
    level: row.level,
    messageText: row.message_text,
    moreInfo: row.more_info,
    requestUrl: row.request_url,
    requestMethod: row.request_method,
    requestVariables: row.request_variables,
    responseHeaders: row.response_headers,
    responseBody: row.response_body,
    messageDate: row.message_date,
    dateCreated: row.date_created,
  };
}

/** {@link NotificationStore} in kysely's dialect-neutral builder. @internal */
export class KyselyNotificationStore implements NotificationStore {
  readonly #ctx: StoreContext;

  constructor(ctx: StoreContext) {
    this.#ctx = ctx;
  }

  insert(n: NotificationRecord): Promise<void> {
    return this.#ctx.gate.run(async () => {
      await this.#ctx.db
        .insertInto('notifications')
        .values({
          sid: n.sid,
          account_sid: n.accountSid,
          call_sid: n.callSid,
          error_code: n.errorCode,
          level: n.level,
          message_text: n.messageText,
          more_info: n.moreInfo,
          request_url: n.requestUrl,
          request_method: n.requestMethod,
          request_variables: n.requestVariables,
          response_headers: n.responseHeaders,
          response_body: n.responseBody,
          message_date: n.messageDate,
          date_created: n.dateCreated,
        })
        .execute();
    });
  }

  get(accountSid: AccountSid, sid: NotificationSid): Promise<NotificationRecord | null> {
    return this.#ctx.gate.run(async () =>
      findScoped(this.#ctx.db.selectFrom('notifications').selectAll(), accountSid, sid, toRecord),
    );
  }

  list(accountSid: AccountSid, filter: NotificationFilter, page: PageRequest): Promise<Page<NotificationRecord>> {
    return this.#ctx.gate.run(async () => {
      let query = this.#ctx.db.selectFrom('notifications').selectAll().where('account_sid', '=', accountSid);
      if (filter.callSid !== undefined) query = query.where('call_sid', '=', filter.callSid);
      if (filter.level !== undefined) query = query.where('level', '=', filter.level);
      return fetchPage(query, 'desc', page, toRecord);
    });
  }
}
