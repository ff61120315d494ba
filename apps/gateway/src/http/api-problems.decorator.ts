import { applyDecorators } from '@nestjs/common';
import {
  ApiHeader,
  ApiProperty,
  ApiPropertyOptional,
  ApiResponse,
  getSchemaPath,
  ApiExtraModels,
} from '@nestjs/swagger';
import { titleFor } from './problem.filter';

class FieldViolationView {
  @ApiProperty({ example: 'limit' }) field!: string;
  @ApiProperty({ example: 'limit must not be greater than 100' }) description!: string;
}

/** RFC 9457 problem details, the body of every error. */
export class ProblemView {
  @ApiProperty({ example: 'about:blank' }) type!: string;
  @ApiProperty({ example: 'Bad Request' }) title!: string;
  @ApiProperty({ type: 'integer', example: 400 }) status!: number;
  @ApiPropertyOptional() detail?: string;
  @ApiPropertyOptional({ example: '/api/v1/titles' }) instance?: string;
  @ApiPropertyOptional({ example: 'VALIDATION_FAILED' }) code?: string;
  @ApiPropertyOptional({ type: [FieldViolationView] }) errors?: FieldViolationView[];
  @ApiPropertyOptional() requestId?: string;
}

/** The body of an error answer in the document. */
export const PROBLEM_RESPONSE = {
  content: { 'application/problem+json': { schema: { $ref: getSchemaPath(ProblemView) } } },
};

/**
 * Documents the problem+json answers particular to a route. Those every route of a kind can give
 * (400, 401, 404, 413, 415, 429, 431, 503, 504) are added to every operation in openapi.ts.
 */
export function ApiProblems(...statuses: number[]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemView),
    ...statuses.map((status) =>
      ApiResponse({ status, description: titleFor(status), ...PROBLEM_RESPONSE }),
    ),
  );
}

/** Documents a read that answers 304 (no body) when If-None-Match names its current ETag. */
export function ApiConditionalRead(): MethodDecorator {
  return applyDecorators(
    ApiHeader({
      name: 'If-None-Match',
      required: false,
      description: 'An ETag from an earlier answer: 304 while it is still current.',
    }),
    ApiResponse({ status: 304, description: 'Not Modified: the ETag given is still current.' }),
  );
}
