import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayUnique, IsArray, IsEmail, IsIn, IsOptional, IsString, IsUUID, MaxLength, MinLength } from 'class-validator';
import { PageInfoDto } from '../common/pagination';
import { ROLES, type Role } from '../tenancy/roles';

export class OrgCreateDto {
  @ApiProperty({ example: 'Acme Studio', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;
}

export class OrgUpdateDto extends OrgCreateDto {}

export class OrgDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Plan id from plans.yaml' }) plan!: string;
  @ApiProperty({ description: 'Created with your account' }) personal!: boolean;
  @ApiProperty({ enum: ROLES, nullable: true, description: 'Your role in it (null for API keys)' }) role!: Role | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class OrgListDto {
  @ApiProperty({ type: [OrgDto] }) data!: OrgDto[];
}

export class MemberDto {
  @ApiProperty() userId!: string;
  @ApiProperty() email!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty({ format: 'date-time' }) joinedAt!: string;
}

export class MemberListDto {
  @ApiProperty({ type: [MemberDto] }) data!: MemberDto[];
}

export class MemberUpdateDto {
  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;
}

export class InvitationCreateDto {
  @ApiProperty({ example: 'grace@example.com' })
  @Transform(({ value }) => (typeof value === 'string' ? value.trim().toLowerCase() : value))
  @IsEmail()
  @MaxLength(320)
  email!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;
}

export class InvitationDto {
  @ApiProperty() id!: string;
  @ApiProperty() email!: string;
  @ApiProperty({ enum: ROLES }) role!: Role;
  @ApiProperty({ description: 'User (or API key) id that sent it' }) invitedByUserId!: string;
  @ApiProperty({ format: 'date-time' }) expiresAt!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class InvitationListDto {
  @ApiProperty({ type: [InvitationDto] }) data!: InvitationDto[];
}

export class TeamCreateDto {
  @ApiProperty({ example: 'Mobile app', maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;

  @ApiPropertyOptional({ description: 'Member user ids to add', type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayUnique()
  @IsUUID('all', { each: true })
  memberIds?: string[];
}

export class TeamUpdateDto {
  @ApiProperty({ maxLength: 100 })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  name!: string;
}

export class TeamMemberAddDto {
  @ApiProperty({ description: 'A member of the organisation' })
  @IsUUID()
  userId!: string;
}

export class TeamDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ type: [String], description: 'User ids' }) memberIds!: string[];
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class TeamListDto {
  @ApiProperty({ type: [TeamDto] }) data!: TeamDto[];
}

export class AdminOrgDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() plan!: string;
  @ApiProperty() personal!: boolean;
  @ApiProperty() members!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class AdminOrgPageDto extends PageInfoDto {
  @ApiProperty({ type: [AdminOrgDto] }) data!: AdminOrgDto[];
}

export class AdminOrgUpdateDto {
  @ApiProperty({ description: 'A plan id from plans.yaml', example: 'pro' })
  @IsString()
  @MaxLength(32)
  plan!: string;
}
