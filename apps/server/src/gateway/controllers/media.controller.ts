import { Body, Controller, Inject, Param, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';

import type { MediaService } from '../../generated/glimpse/media/v1/media.js';
import { CurrentUser } from '../auth/auth.guards.js';
import type { Principal } from '../auth/principal.js';
import { parseRequest } from '../http/request-validation.js';
import { Route } from '../http/route.decorator.js';
import { routes } from '../http/routes.js';
import { MediaUploader } from '../media/media-uploader.js';
import { uploadSource } from '../media/upload-source.js';
import { MediaPresenter } from '../presenters/media.presenter.js';
import { MEDIA_SERVICE } from '../tokens.js';

@Controller()
export class MediaController {
  constructor(
    @Inject(MEDIA_SERVICE) private readonly media: MediaService,
    @Inject(MediaUploader) private readonly uploader: MediaUploader,
    @Inject(MediaPresenter) private readonly presenter: MediaPresenter,
  ) {}

  @Route(routes.uploadMedia)
  async upload(@CurrentUser() me: Principal, @Req() request: FastifyRequest) {
    const source = await uploadSource(request, this.uploader.maxBytes);
    return this.presenter.present(await this.uploader.upload(me.userId, source));
  }

  @Route(routes.createUpload)
  async createUpload(@CurrentUser() me: Principal, @Body() body: unknown) {
    const input = parseRequest(routes.createUpload.body, body, 'body');
    const { media, upload } = await this.uploader.createDirectUpload(
      me.userId,
      input.contentType,
      input.bytes,
    );
    return { media: this.presenter.present(media), upload };
  }

  @Route(routes.putMediaContent)
  async putContent(
    @CurrentUser() me: Principal,
    @Param() params: unknown,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    const { id } = parseRequest(routes.putMediaContent.params, params, 'params');
    await this.uploader.putContent(me.userId, id, await uploadSource(request, this.uploader.maxBytes));
  }

  @Route(routes.completeUpload)
  async complete(@CurrentUser() me: Principal, @Param() params: unknown) {
    const { id } = parseRequest(routes.completeUpload.params, params, 'params');
    return this.presenter.present(await this.media.completeUpload({ mediaId: id, ownerId: me.userId }));
  }

  @Route(routes.getMedia)
  async get(@CurrentUser() me: Principal, @Param() params: unknown) {
    const { id } = parseRequest(routes.getMedia.params, params, 'params');
    return this.presenter.present(await this.media.getMedia({ mediaId: id, ownerId: me.userId }));
  }
}
