import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsEmail, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';

const normaliseEmail = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim().toLowerCase() : value);

export class RegisterDto {
  @ApiProperty({ example: 'ada@example.com', description: 'Sign-in address; a verification link is mailed to it' })
  @Transform(normaliseEmail)
  @IsEmail()
  @MaxLength(320)
  email!: string;

  @ApiProperty({ minLength: 10, maxLength: 200, description: 'At least 10 characters and hard to guess (zxcvbn score 3 or more)' })
  @IsString()
  @MinLength(10)
  @MaxLength(200)
  password!: string;

  @ApiProperty({ example: 'Ada Lovelace', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;
}

export class LoginDto {
  @ApiProperty({ example: 'ada@example.com' })
  @Transform(normaliseEmail)
  @IsEmail()
  @MaxLength(320)
  email!: string;

  @ApiProperty()
  @IsString()
  @MaxLength(200)
  password!: string;

  @ApiPropertyOptional({ description: "For browsers (the console): keep the refresh token in an httpOnly, SameSite=Strict cookie sent only to /api/v1/auth, instead of in the answer" })
  @IsOptional()
  @IsBoolean()
  refreshCookie?: boolean;
}

export class VerifyEmailDto {
  @ApiProperty({ description: 'The token from the verification mail' })
  @IsString()
  @MinLength(10)
  @MaxLength(200)
  token!: string;
}

export class RefreshDto {
  @ApiPropertyOptional({ description: 'The refresh token from login or the last refresh; it is rotated on use. Omitted: the one in the refresh cookie (a session signed in with refreshCookie), rotated there' })
  @IsOptional()
  @IsString()
  @MinLength(10)
  @MaxLength(200)
  refreshToken?: string;
}

export class UserDto {
  @ApiProperty() id!: string;
  @ApiProperty() email!: string;
  @ApiProperty() name!: string;
  @ApiProperty() emailVerified!: boolean;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class OrgRefDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ description: 'Plan id from plans.yaml' }) plan!: string;
}

export class RegisterResponseDto {
  @ApiProperty({ type: UserDto }) user!: UserDto;
  @ApiProperty({ type: OrgRefDto, description: 'Your personal organisation' }) organization!: OrgRefDto;
  @ApiProperty({ description: 'Credits granted to the new organisation' }) creditsBalance!: number;
}

export class SessionTokensDto {
  @ApiProperty({ description: 'Short-lived JWT; send as Authorization: Bearer' }) accessToken!: string;
  @ApiPropertyOptional({ description: 'Exchange at /auth/refresh for a new pair; single use. Absent when it is kept in the refresh cookie' }) refreshToken?: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType!: 'Bearer';
  @ApiProperty({ description: 'Seconds until the access token expires' }) expiresIn!: number;
}

export class VerifiedDto {
  @ApiProperty() verified!: boolean;
}

export class AcceptedDto {
  @ApiProperty({ description: 'The request was taken; mail is sent from the outbox' }) accepted!: boolean;
}
